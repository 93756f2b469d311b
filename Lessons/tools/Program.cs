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
                    _ => Usage(),
                };
            }
            catch (MarkerException e)
            {
                Console.Error.WriteLine($"lessons: {e.Message}");
                return 1;
            }
        }

        public static Lesson? Find(string folder) => Course.FirstOrDefault(l => l.Folder == folder);

        private static int Usage()
        {
            Console.Error.WriteLine("usage: dotnet run --project Lessons/tools -- generate | check [NN-Stage] | results <file.trx> reference|stub <NN-Stage> | api <NN-Stage>");
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
