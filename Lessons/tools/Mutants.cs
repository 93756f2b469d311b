using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MeTorrent.Lessons.Tool;

/// <summary>
/// One lazy (or merely different) implementation of a lesson, from Lessons/NN-Stage/MUTANTS.md: a region of
/// the reference, as the student would fill it in, replaced by something else.
/// </summary>
/// <param name="Name">the "## " heading: what the lazy code does wrong</param>
/// <param name="File">the student's file (relative to src/) that it changes</param>
/// <param name="Tests">the tests that must fail on it (parts of their names), or for an equivalent, pass</param>
/// <param name="Says">text the failure message must contain (case-insensitive), so the student learns what is wrong</param>
/// <param name="Equivalent">true: a correct variant that every listed test must pass</param>
public sealed record Mutant(string Name, string File, IReadOnlyList<string> Tests, string? Says, bool Equivalent, string Find, string Replace);

/// <summary>
/// Proves that the lesson's tests catch lazy code: each mutant is applied to a copy of the student's files
/// filled with the reference (Lessons/NN-Stage/scratch/), the listed tests run against it, and at least
/// one of them must fail with the expected words (an "equivalent" mutant must pass them all instead).
/// </summary>
public static class Mutants
{
    public static IReadOnlyList<Mutant> Read(string path)
    {
        var mutants = new List<Mutant>();
        string text = System.IO.File.ReadAllText(path).Replace("\r\n", "\n");
        foreach (string section in Regex.Split(text, @"^## ", RegexOptions.Multiline).Skip(1))
        {
            string name = section[..section.IndexOf('\n')].Trim();
            string? Field(string key) => Regex.Match(section, $@"^- {key}: (.+)$", RegexOptions.Multiline) is { Success: true } m
                ? m.Groups[1].Value.Trim().Trim('`') : null;
            var blocks = Regex.Matches(section, "^```[a-z]*\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline);
            string file = Field("file") ?? throw new MarkerException($"{path}: mutant \"{name}\" has no \"- file:\" line");
            string tests = Field("fails") ?? Field("passes") ?? throw new MarkerException($"{path}: mutant \"{name}\" has no \"- fails:\" (or \"- passes:\") line");
            if (blocks.Count != 2)
                throw new MarkerException($"{path}: mutant \"{name}\" needs two code blocks (the reference region, then its replacement), found {blocks.Count}");
            mutants.Add(new Mutant(name, file, tests.Split(',').Select(t => t.Trim().Trim('`')).ToList(), Field("says"),
                Field("passes") is not null, blocks[0].Groups[1].Value, blocks[1].Groups[1].Value));
        }
        return mutants;
    }

    /// <summary>
    /// Runs every mutant of <paramref name="lesson"/> (or a <paramref name="sample"/> of them); 0 when each is caught
    /// (or, if equivalent, passes).
    /// </summary>
    public static int Run(string root, LessonInfo lesson, string resultsDir, MutantSample? sample = null, bool testsBuilt = false)
    {
        string path = Path.Combine(lesson.Directory, "MUTANTS.md");
        if (!System.IO.File.Exists(path))
        {
            Console.WriteLine($"{lesson.Folder}: no MUTANTS.md");
            return 0;
        }
        var mutants = Read(path);
        var chosen = sample is { } draw ? draw.Choose(mutants) : mutants;
        if (chosen.Count < mutants.Count)
            Console.WriteLine($"{lesson.Folder}: a sample of {chosen.Count} of the {mutants.Count} mutants (seed {sample!.Seed}): {string.Join("; ", chosen.Select(m => m.Name))}");
        Scratch.Fill(root, lesson);
        Directory.CreateDirectory(resultsDir);
        var clock = Stopwatch.StartNew();
        // Build the lesson's tests once against scratch/; then each mutant builds only the student's project, and its
        // assembly takes the place of scratch/'s beside the test assembly (a full `dotnet test` per mutant is three times
        // slower), compiled by the compiler server (a cold csc per mutant costs ~2 s more).
        // (testsBuilt: the caller has just built them so; each mutant's assembly takes the place of the student's anyway.)
        string log = testsBuilt ? "" : Dotnet(root, ["build", lesson.Directory, $"-p:LessonStubProject={Scratch.ProjectPath(lesson)}"]);
        string testDll = Path.Combine(lesson.Directory, "bin", "Debug", "net10.0", $"MeTorrent.Lesson{lesson.Number}.Tests.dll");
        string assembly = lesson.AssemblyName() + ".dll";
        if (!System.IO.File.Exists(testDll))
        {
            Console.WriteLine(testsBuilt
                ? $"FAIL {lesson.Folder}: --tests-built, but the lesson's tests are not built against scratch/"
                : $"FAIL {lesson.Folder}: the lesson's tests did not build against scratch/:\n" +
                  string.Join('\n', log.Split('\n').Where(l => l.Contains("error")).Take(10)));
            return 1;
        }
        // Each chosen mutant gets its own copy of scratch/ beside it (scratch-mutant-N/, at the same depth, so the project's
        // relative paths hold) with its change applied; one build compiles them all side by side (a build per mutant
        // costs ~2 s of msbuild start-up each); then each assembly goes into its own copy of the built tests, and the
        // test runs go two at a time.
        var verdicts = new Dictionary<int, string>();
        var applied = new List<(int Index, string Folder)>();
        for (int i = 0; i < mutants.Count; i++)
        {
            var mutant = mutants[i];
            if (!chosen.Contains(mutant))
                continue;
            string folder = Scratch.Fill(root, lesson, $"{Scratch.FolderName}-mutant-{i + 1}");
            DeleteFolder(Path.Combine(folder, "bin")); // an assembly from an earlier run must not pass for this one
            string target = Path.Combine(folder, mutant.File);
            string source = System.IO.File.ReadAllText(target).Replace("\r\n", "\n");
            int at = source.IndexOf(mutant.Find, StringComparison.Ordinal);
            if (at < 0 || source.IndexOf(mutant.Find, at + 1, StringComparison.Ordinal) >= 0)
            {
                verdicts[i] = $"its first code block is {(at < 0 ? "not in" : "more than once in")} {mutant.File} (did the reference change?)";
                continue;
            }
            System.IO.File.WriteAllText(target, source[..at] + mutant.Replace + source[(at + mutant.Find.Length)..]);
            applied.Add((i, folder));
        }
        Console.WriteLine($"{lesson.Folder}: the tests built against scratch/ and {applied.Count} mutant copies written in {clock.Elapsed.TotalSeconds:0.0} s");
        string build = "";
        if (applied.Count > 0)
        {
            string solution = Path.Combine(resultsDir, $"{lesson.Folder}-mutants.slnx");
            // One solution folder per copy: a solution wants its projects' names unique within a folder.
            System.IO.File.WriteAllText(solution, "<Solution>\n" + string.Concat(applied.Select(a =>
                $"  <Folder Name=\"/{Path.GetFileName(a.Folder)}/\"><Project Path=\"{Path.GetRelativePath(resultsDir, Path.Combine(a.Folder, Path.GetFileName(lesson.StudentProject)))}\" /></Folder>\n")) + "</Solution>\n");
            build = Dotnet(root, ["build", solution, "-p:BuildProjectReferences=false", "-p:UseSharedCompilation=true"]);
        }
        Console.WriteLine($"{lesson.Folder}: {applied.Count} mutants built in {clock.Elapsed.TotalSeconds:0.0} s");
        Parallel.ForEach(applied, new ParallelOptions { MaxDegreeOfParallelism = 2 }, a =>
        {
            var mutant = mutants[a.Index];
            string built = Path.Combine(a.Folder, "bin", "Debug", "net10.0", assembly);
            string verdict;
            if (System.IO.File.Exists(built))
            {
                string tests = Path.Combine(resultsDir, $"{lesson.Folder}-mutant-{a.Index + 1}-tests");
                DeleteFolder(tests);
                CopyFolder(Path.GetDirectoryName(testDll)!, tests);
                System.IO.File.Copy(built, Path.Combine(tests, assembly), overwrite: true);
                string trx = Path.Combine(resultsDir, $"{lesson.Folder}-mutant-{a.Index + 1}.trx");
                System.IO.File.Delete(trx);
                string filter = string.Join('|', mutant.Tests.Select(t => $"FullyQualifiedName~{t}"));
                string run = Dotnet(root, ["test", Path.Combine(tests, Path.GetFileName(testDll)), "--filter", filter, "--logger", $"trx;LogFileName={trx}"]);
                verdict = Judge(mutant, trx, run);
            }
            else
                verdict = "the mutant does not build: " + string.Join(" | ", build.Split('\n')
                    .Where(l => l.Contains("error") && l.Contains(Path.GetFileName(a.Folder) + "/", StringComparison.Ordinal)).Distinct().Take(3));
            lock (verdicts)
                verdicts[a.Index] = verdict;
        });
        Console.WriteLine($"{lesson.Folder}: their tests ran by {clock.Elapsed.TotalSeconds:0.0} s");
        int failures = 0;
        foreach (var (index, verdict) in verdicts.OrderBy(v => v.Key))
        {
            bool ok = verdict.StartsWith("caught", StringComparison.Ordinal) || verdict.StartsWith("passes", StringComparison.Ordinal);
            Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {mutants[index].Name}: {verdict}");
            if (!ok)
                failures++;
        }
        Console.WriteLine($"{lesson.Folder}: {chosen.Count - failures} of {chosen.Count} mutants behave as listed");
        return failures == 0 ? 0 : 1;
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }
    }

    private static string Judge(Mutant mutant, string trx, string log)
    {
        if (!System.IO.File.Exists(trx))
            return "no test results: the mutant did not build or no test ran\n" + string.Join('\n', log.Split('\n').Where(l => l.Contains("error")).Take(5));
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var results = XDocument.Load(trx).Descendants(ns + "UnitTestResult")
            .Select(r => (Name: (string?)r.Attribute("testName") ?? "?", Outcome: (string?)r.Attribute("outcome") ?? "?",
                Message: string.Concat(r.Descendants(ns + "Message").Select(e => e.Value))))
            .ToList();
        if (results.Count == 0)
            return $"no test matched {string.Join(", ", mutant.Tests)}";
        if (mutant.Equivalent)
        {
            var failed = results.Where(r => r.Outcome != "Passed").ToList();
            return failed.Count == 0
                ? $"passes, as a correct variant must ({results.Count} tests)"
                : $"a correct variant, but {failed[0].Name} fails: {TestResults.FirstLine(failed[0].Message)}";
        }
        var caught = results.Where(r => r.Outcome == "Failed").ToList();
        if (caught.Count == 0)
            return $"survives: {results.Count} tests ran, none failed";
        var saying = caught.FirstOrDefault(r => mutant.Says is null || r.Message.Contains(mutant.Says, StringComparison.OrdinalIgnoreCase));
        if (saying.Name is null)
            return $"fails, but no message says \"{mutant.Says}\": {caught[0].Name}: {TestResults.FirstLine(caught[0].Message)}";
        return $"caught by {saying.Name}: {TestResults.FirstLine(saying.Message)}";
    }

    /// <summary>Runs dotnet with <paramref name="args"/> in <paramref name="root"/>; returns its output.</summary>
    public static string Dotnet(string root, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output + stderr.Result;
    }
}

/// <summary>
/// A sample of a lesson's mutants, drawn by <paramref name="Seed"/> (CI gives the commit id: each landing checks
/// other variants, the same commit always the same ones). The whole list runs without a sample.
/// </summary>
public sealed record MutantSample(int Count, string Seed)
{
    public IReadOnlyList<Mutant> Choose(IReadOnlyList<Mutant> mutants) =>
        mutants.OrderBy(m => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Seed + "\n" + m.Name))))
            .Take(Count)
            .ToList();
}
