// The lesson tool: turns the reference solution into the students' stub files and checks that they agree.
//
//   dotnet run --project Lessons/tools -- generate          write the marked files to Lessons/NN-Stage/src/, delete
//                                                           any other .cs file there (Lessons/Stub.targets links those)
//   dotnet run --project Lessons/tools -- check [NN-Stage]  markers valid, READMEs cover them, src/ current:
//                                                           reports each stale, missing or extra file
//   dotnet run --project Lessons/tools -- results F.trx reference|stub NN-Stage
//                                                           judge a lesson's test run (used by .ci/lessons)
//   dotnet run --project Lessons/tools -- api NN-Stage      the built stub assembly has exactly the reference's
//                                                           public API (both must have been built)
//   dotnet run --project Lessons/tools -- fill NN-Stage     Lessons/NN-Stage/scratch/: the student's project with the
//                                                           reference's solutions filled in (not committed)
//   dotnet run --project Lessons/tools -- fill NN-Stage <folder>
//                                                           the same reference files into <folder> (a release's src/)
//   dotnet run --project Lessons/tools -- release <folder>  the student repository: texts, hints, stubs, tests, and the
//                                                           rest as compiled assemblies (no solution source)
//   dotnet run --project Lessons/tools -- mutants NN-Stage [results-folder]
//                                                           every lazy variant in Lessons/NN-Stage/MUTANTS.md is caught
//                                                           by its tests (run on scratch/)
//   dotnet run --project Lessons/tools -- mutants NN-Stage <results-folder> --sample N <seed>
//                                                           only N of them, drawn by <seed> (CI: the commit id, so
//                                                           each landing checks others; used by .ci/lessons)
//   ... mutants NN-Stage <results-folder> [--sample N <seed>] --tests-built
//                                                           the lesson's tests are already built against scratch/ (the
//                                                           gate has just run them there): no build of them first
// The marker syntax is described in Markers.cs and in Lessons/README.md.
using MeTorrent.Lessons.Tool;

return LessonTool.Run(args);

namespace MeTorrent.Lessons.Tool
{
    /// <summary>One lesson: its folder under Lessons/ and the reference project folder its stubs come from.</summary>
    public sealed record Lesson(string Folder, string Source)
    {
        /// <summary>"01-bencode": the prefix every marker id of this lesson starts with.</summary>
        public string MarkerPrefix => Folder.ToLowerInvariant();

        public string Number => Folder[..2];
    }

    /// <summary>A problem with the markers or the tool's input: reported in one line, exit code 1.</summary>
    public sealed class MarkerException(string message) : Exception(message);

    /// <summary>The command line: the course table, the repository root, and which command to run.</summary>
    public static class LessonTool
    {
        /// <summary>The course, in order. A lesson takes part once its folder holds a Lesson*.csproj.</summary>
        public static readonly Lesson[] Course =
        [
            new("01-Bencode", "Bencode"),
            new("02-Metainfo", "Metainfo"),
            new("03-Tracker", "Tracker"),
            new("04-Peer", "Peer"),
            new("05-Download", "Download"),
            new("06-Seeding", "Download"),
            new("07-Magnet", "Metainfo"),
            new("08-Extensions", "Peer"),
            new("09-Metadata", "Download"),
            new("10-Dht", "Tracker"),
        ];

        public static int Run(string[] args)
        {
            try
            {
                string root = FindRepositoryRoot();
                return args switch
                {
                    ["generate"] => StubGenerator.Generate(root, write: true, only: null),
                    ["check"] => StubGenerator.Generate(root, write: false, only: null),
                    ["check", var lesson] => StubGenerator.Generate(root, write: false, only: lesson),
                    ["results", var trx, var mode, var lesson] when mode is "reference" or "stub" && Find(lesson) is { } found =>
                        TestResults.Judge(root, trx, mode, found),
                    ["api", var lesson] when Find(lesson) is { } found => PublicApi.Compare(root, found),
                    ["fill", var lesson] => Fill(root, lesson),
                    ["fill", var lesson, var folder] => FillFolder(root, lesson, folder),
                    ["release", var folder] => Release.Write(root, folder),
                    ["mutants", var lesson] => Mutants.Run(root, LessonInfo.Find(root, lesson), Path.Combine(root, ".ci", "out", "mutants")),
                    ["mutants", var lesson, var results] => Mutants.Run(root, LessonInfo.Find(root, lesson), Path.GetFullPath(results)),
                    ["mutants", var lesson, var results, "--sample", var count, var seed] when int.TryParse(count, out int n) && n > 0 =>
                        Mutants.Run(root, LessonInfo.Find(root, lesson), Path.GetFullPath(results), new MutantSample(n, seed)),
                    ["mutants", var lesson, var results, "--tests-built"] =>
                        Mutants.Run(root, LessonInfo.Find(root, lesson), Path.GetFullPath(results), testsBuilt: true),
                    ["mutants", var lesson, var results, "--sample", var count, var seed, "--tests-built"] when int.TryParse(count, out int n) && n > 0 =>
                        Mutants.Run(root, LessonInfo.Find(root, lesson), Path.GetFullPath(results), new MutantSample(n, seed), testsBuilt: true),
                    _ => Usage(),
                };
            }
            catch (MarkerException e)
            {
                Console.Error.WriteLine($"lessons: {e.Message}");
                return 1;
            }
        }

        private static int Fill(string root, string folder)
        {
            var lesson = LessonInfo.Find(root, folder);
            Console.WriteLine(Scratch.Fill(root, lesson));
            return 0;
        }

        private static int FillFolder(string root, string folder, string target)
        {
            Scratch.FillFolder(root, LessonInfo.Find(root, folder), Path.GetFullPath(target));
            return 0;
        }

        public static Lesson? Find(string folder) => Course.FirstOrDefault(l => l.Folder == folder);

        private static int Usage()
        {
            Console.Error.WriteLine("usage: dotnet run --project Lessons/tools -- generate | check [NN-Stage] | results <file.trx> reference|stub <NN-Stage> | api <NN-Stage> | fill <NN-Stage> [folder] | release <folder> | mutants <NN-Stage> [results-folder [--sample N seed] [--tests-built]]");
            return 2;
        }

        private static string FindRepositoryRoot()
        {
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MeTorrent.sln")) && Directory.Exists(Path.Combine(dir.FullName, "Lessons")))
                    return dir.FullName;
            throw new MarkerException("run me from inside the MeTorrent repository (no MeTorrent.sln above the current folder)");
        }
    }
}
