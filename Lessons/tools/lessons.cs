#:property PublishAot=false
// The lesson tool: turns the reference solution into the students' stub files and checks that they agree.
//
//   dotnet run Lessons/tools/lessons.cs -- generate          rewrite every Lessons/NN-Stage/src/*.cs
//   dotnet run Lessons/tools/lessons.cs -- check [NN-Stage]  markers valid, READMEs cover them, stubs current
//   dotnet run Lessons/tools/lessons.cs -- results F.trx reference|stub NN-Stage
//                                                           judge a lesson's test run (used by .ci/lessons)
//   dotnet run Lessons/tools/lessons.cs -- api NN-Stage      the built stub assembly has exactly the reference's
//                                                           public API (both must have been built)
//
// Markers, written as plain comments in the reference source (Bencode/, Metainfo/, ...):
//   // LESSON 01-bencode.strings: what to do      -> "// TODO(01-bencode.strings): what to do" in the stub
//   // STUB: throw new NotImplementedException("Lesson 01 step 1 (strings): hint");
//                                                 -> the code after "STUB: ", in the stub only
//   // BEGIN SOLUTION ... // END SOLUTION         -> removed from the stub, both lines included
// A solution block may not nest or stay open; STUB and LESSON lines may not sit inside one.
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

return LessonTool.Run(args);

/// <summary>One lesson: its folder under Lessons/ and the reference project folder its stubs come from.</summary>
sealed record Lesson(string Folder, string Source)
{
    /// <summary>"01-bencode": the prefix every marker id of this lesson starts with.</summary>
    public string MarkerPrefix => Folder.ToLowerInvariant();

    public string Number => Folder[..2];
}

sealed record Marker(string Id, string File, int Line);

sealed class MarkerException(string message) : Exception(message);

static class LessonTool
{
    /// <summary>The course, in order. A lesson takes part once its folder holds a Lesson*.csproj.</summary>
    static readonly Lesson[] Course =
    [
        new("01-Bencode", "Bencode"),
        new("02-Metainfo", "Metainfo"),
        new("03-Tracker", "Tracker"),
        new("04-Peer", "Peer"),
        new("05-Download", "Download"),
    ];

    static readonly Regex LessonLine = new(@"^(\s*)// LESSON ([0-9]{2}-[a-z0-9-]+\.[a-z0-9-]+): (\S.*)$");
    static readonly Regex StubLine = new(@"^(\s*)// STUB: (\S.*)$");
    static readonly Regex BeginLine = new(@"^\s*// BEGIN SOLUTION\s*$");
    static readonly Regex EndLine = new(@"^\s*// END SOLUTION\s*$");
    static readonly Regex AnyMarker = new(@"//\s*(LESSON\b|STUB\b|BEGIN\s+SOLUTION|END\s+SOLUTION)");

    public static int Run(string[] args)
    {
        try
        {
            string root = FindRepositoryRoot();
            return args switch
            {
                ["generate"] => Generate(root, write: true, only: null),
                ["check"] => Generate(root, write: false, only: null),
                ["check", var lesson] => Generate(root, write: false, only: lesson),
                ["results", var trx, var mode, var lesson] when mode is "reference" or "stub" && Course.Any(l => l.Folder == lesson) =>
                    JudgeResults(root, trx, mode, Course.First(l => l.Folder == lesson)),
                ["api", var lesson] when Course.Any(l => l.Folder == lesson) => CompareApi(root, Course.First(l => l.Folder == lesson)),
                _ => Usage(),
            };
        }
        catch (MarkerException e)
        {
            Console.Error.WriteLine($"lessons: {e.Message}");
            return 1;
        }
    }

    static int Usage()
    {
        Console.Error.WriteLine("usage: dotnet run Lessons/tools/lessons.cs -- generate | check [NN-Stage] | results <file.trx> reference|stub <NN-Stage> | api <NN-Stage>");
        return 2;
    }

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MeTorrent.sln")) && Directory.Exists(Path.Combine(dir.FullName, "Lessons")))
                return dir.FullName;
        throw new MarkerException("run me from inside the MeTorrent repository (no MeTorrent.sln above the current folder)");
    }

    /// <summary>Builds every active lesson's stubs; writes them, or reports each file that differs.</summary>
    static int Generate(string root, bool write, string? only)
    {
        if (only is not null && !Course.Any(l => l.Folder == only))
            throw new MarkerException($"no lesson {only}; the lessons are {string.Join(", ", Course.Select(l => l.Folder))}");
        int problems = 0;
        foreach (var lesson in Course.Where(l => only is null || l.Folder == only))
        {
            string lessonDir = Path.Combine(root, "Lessons", lesson.Folder);
            if (!Directory.Exists(lessonDir) || !Directory.EnumerateFiles(lessonDir, "Lesson*.csproj").Any())
            {
                Console.WriteLine($"{lesson.Folder}: lesson text only, no stubs (no Lesson*.csproj)");
                continue;
            }
            try
            {
                problems += GenerateLesson(root, lesson, write);
            }
            catch (MarkerException e)
            {
                Console.Error.WriteLine($"{lesson.Folder}: {e.Message}");
                problems++;
            }
        }
        if (problems > 0)
            Console.Error.WriteLine($"{problems} problem(s); stubs out of date? run `dotnet run Lessons/tools/lessons.cs -- generate` and commit them");
        return problems == 0 ? 0 : 1;
    }

    static int GenerateLesson(string root, Lesson lesson, bool write)
    {
        string sourceDir = Path.Combine(root, lesson.Source);
        string stubDir = Path.Combine(root, "Lessons", lesson.Folder, "src");
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var markers = new List<Marker>();
        foreach (string file in SourceFiles(sourceDir))
        {
            string relative = Path.GetRelativePath(sourceDir, file).Replace('\\', '/');
            string where = $"{lesson.Source}/{relative}";
            expected[relative] = Transform(File.ReadAllText(file), where, lesson, markers);
        }
        if (markers.Count == 0)
            throw new MarkerException($"no LESSON markers in {lesson.Source}/: nothing for a student to do");

        int problems = CheckReadmeCoversMarkers(root, lesson, markers);
        var existing = Directory.Exists(stubDir)
            ? SourceFiles(stubDir).Select(f => Path.GetRelativePath(stubDir, f).Replace('\\', '/')).ToHashSet()
            : [];
        foreach (var (relative, text) in expected)
        {
            string path = Path.Combine(stubDir, relative);
            bool same = existing.Contains(relative) && File.ReadAllText(path) == text;
            if (same) continue;
            if (write)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
                Console.WriteLine($"wrote Lessons/{lesson.Folder}/src/{relative}");
            }
            else
            {
                Console.Error.WriteLine($"{lesson.Folder}: src/{relative} is {(existing.Contains(relative) ? "out of date" : "missing")}");
                problems++;
            }
        }
        foreach (string stale in existing.Where(r => !expected.ContainsKey(r)))
        {
            if (write)
            {
                File.Delete(Path.Combine(stubDir, stale));
                Console.WriteLine($"deleted Lessons/{lesson.Folder}/src/{stale} (gone from {lesson.Source}/)");
            }
            else
            {
                Console.Error.WriteLine($"{lesson.Folder}: src/{stale} no longer exists in {lesson.Source}/");
                problems++;
            }
        }
        Console.WriteLine($"{lesson.Folder}: {expected.Count} files, {markers.Select(m => m.Id).Distinct().Count()} lesson steps" +
                          (write ? "" : problems == 0 ? ", stubs current" : ""));
        return problems;
    }

    static IEnumerable<string> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(dir, f)))
            .Order(StringComparer.Ordinal);

    static bool IsBuildOutput(string relative)
    {
        string first = relative.Replace('\\', '/').Split('/')[0];
        return first is "bin" or "obj";
    }

    /// <summary>The stub version of one reference file.</summary>
    static string Transform(string text, string where, Lesson lesson, List<Marker> markers)
    {
        string newline = text.Contains("\r\n") ? "\r\n" : "\n";
        string[] lines = text.Split('\n');
        var output = new StringBuilder();
        int fileMarkers = 0;
        int? solutionStart = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int number = i + 1;
            if (BeginLine.IsMatch(line))
            {
                if (solutionStart is { } open)
                    throw new MarkerException($"{where}:{number}: BEGIN SOLUTION inside the block opened at line {open} (blocks do not nest)");
                solutionStart = number;
                fileMarkers++;
                continue;
            }
            if (EndLine.IsMatch(line))
            {
                if (solutionStart is null)
                    throw new MarkerException($"{where}:{number}: END SOLUTION without a BEGIN SOLUTION");
                solutionStart = null;
                continue;
            }
            if (LessonLine.Match(line) is { Success: true } lessonMarker)
            {
                string id = lessonMarker.Groups[2].Value;
                if (solutionStart is not null)
                    throw new MarkerException($"{where}:{number}: LESSON marker inside a solution block: the student would never see it");
                if (!id.StartsWith(lesson.MarkerPrefix + ".", StringComparison.Ordinal))
                    throw new MarkerException($"{where}:{number}: marker {id} does not belong to lesson {lesson.MarkerPrefix} (files in {lesson.Source}/ carry {lesson.MarkerPrefix}.* markers)");
                markers.Add(new Marker(id, where, number));
                fileMarkers++;
                output.Append(lessonMarker.Groups[1].Value).Append("// TODO(").Append(id).Append("): ")
                      .Append(lessonMarker.Groups[3].Value).Append(newline);
                continue;
            }
            if (StubLine.Match(line) is { Success: true } stub)
            {
                if (solutionStart is not null)
                    throw new MarkerException($"{where}:{number}: STUB line inside a solution block");
                if (stub.Groups[2].Value.Contains("NotImplementedException") && !stub.Groups[2].Value.Contains($"Lesson {lesson.Number}"))
                    throw new MarkerException($"{where}:{number}: a stub's NotImplementedException message must name \"Lesson {lesson.Number}\" and give a hint");
                fileMarkers++;
                output.Append(stub.Groups[1].Value).Append(stub.Groups[2].Value).Append(newline);
                continue;
            }
            if (AnyMarker.IsMatch(line))
                throw new MarkerException($"{where}:{number}: malformed marker (expected \"// LESSON NN-stage.step: text\", \"// STUB: code\", \"// BEGIN SOLUTION\" or \"// END SOLUTION\"): {line.Trim()}");
            if (solutionStart is null && i < lines.Length - 1)
                output.Append(line).Append(newline);
            else if (solutionStart is null)
                output.Append(line); // the last line: no newline after it, exactly as in the source
        }
        if (solutionStart is { } unclosed)
            throw new MarkerException($"{where}:{unclosed}: BEGIN SOLUTION is never closed");

        string header = fileMarkers > 0
            ? $"// Lesson {lesson.Folder}: generated from {where} by Lessons/tools/lessons.cs. Your file: do the TODOs.{newline}"
            : $"// Lesson {lesson.Folder}: copied from {where} by Lessons/tools/lessons.cs. Provided complete; nothing to do here.{newline}";
        return header + output;
    }

    /// <summary>The lesson text must explain every step the stubs ask for: each marker id appears in it.</summary>
    static int CheckReadmeCoversMarkers(string root, Lesson lesson, List<Marker> markers)
    {
        string readme = Path.Combine(root, "Lessons", lesson.Folder, "README.md");
        string text = File.Exists(readme) ? File.ReadAllText(readme) : "";
        int problems = 0;
        foreach (var marker in markers.DistinctBy(m => m.Id))
        {
            if (text.Contains(marker.Id, StringComparison.Ordinal)) continue;
            Console.Error.WriteLine($"{lesson.Folder}: README.md never mentions step {marker.Id} (marked at {marker.File}:{marker.Line})");
            problems++;
        }
        return problems;
    }

    /// <summary>
    /// Judges a TRX log. reference: more than zero tests, all passed. stub: more than zero tests, none
    /// passed or skipped, and every failure names a NotImplementedException from this lesson's stubs —
    /// except the tests listed in Lessons/NN-Stage/stub-exceptions.txt ("TestName: reason"), which must
    /// fail with a message that names the lesson ("Lesson NN"), whatever the exception.
    /// </summary>
    static int JudgeResults(string root, string trx, string mode, Lesson lesson)
    {
        if (!File.Exists(trx))
        {
            Console.WriteLine($"no test results ({trx} missing): the build or the test run failed");
            return 1;
        }
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var results = XDocument.Load(trx).Descendants(ns + "UnitTestResult").ToList();
        if (results.Count == 0)
        {
            Console.WriteLine("no tests ran");
            return 1;
        }
        var exceptions = StubExceptions(root, lesson);
        string mark = $"Lesson {lesson.Number}";
        int passed = results.Count(r => (string?)r.Attribute("outcome") == "Passed");
        var wrong = new List<string>();
        foreach (var result in results)
        {
            string name = (string?)result.Attribute("testName") ?? "?";
            string outcome = (string?)result.Attribute("outcome") ?? "?";
            string message = string.Concat(result.Descendants(ns + "ErrorInfo").Elements().Select(e => e.Value));
            if (mode == "reference" && outcome != "Passed")
                wrong.Add($"{name}: {outcome} on the reference: {FirstLine(message)}");
            else if (mode == "stub" && outcome != "Failed")
                wrong.Add($"{name}: {outcome} on the untouched stubs (a test must fail until the student writes the code)");
            else if (mode == "stub" && exceptions.Contains(name) && !message.Contains(mark))
                wrong.Add($"{name}: listed in stub-exceptions.txt, but its failure does not name {mark}: {FirstLine(message)}");
            else if (mode == "stub" && !exceptions.Contains(name) && !(message.Contains("NotImplementedException") && message.Contains(mark)))
                wrong.Add($"{name}: fails on the stubs, but not with a {mark} NotImplementedException: {FirstLine(message)}");
        }
        var names = results.Select(r => (string?)r.Attribute("testName")).ToHashSet();
        foreach (string stale in exceptions.Where(e => !names.Contains(e)))
            wrong.Add($"{stale}: listed in stub-exceptions.txt, but no such test ran");
        foreach (string line in wrong)
            Console.WriteLine($"  {line}");
        Console.WriteLine(mode == "reference"
            ? $"{results.Count} tests, {passed} passed on the reference"
            : $"{results.Count} tests, {results.Count - wrong.Count} fail as they should on the stubs" +
              (exceptions.Count > 0 ? $" ({exceptions.Count} listed in stub-exceptions.txt)" : ""));
        return wrong.Count == 0 ? 0 : 1;
    }

    /// <summary>The test names in Lessons/NN-Stage/stub-exceptions.txt; each line is "TestName: why", # starts a comment.</summary>
    static HashSet<string> StubExceptions(string root, Lesson lesson)
    {
        string path = Path.Combine(root, "Lessons", lesson.Folder, "stub-exceptions.txt");
        if (!File.Exists(path))
            return [];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int colon = line.IndexOf(':');
            if (colon <= 0 || line[(colon + 1)..].Trim().Length == 0)
                throw new MarkerException($"{path}: \"{line}\" must read \"TestName: why it cannot fail with NotImplementedException\"");
            names.Add(line[..colon].Trim());
        }
        return names;
    }

    /// <summary>Compares the public types and members of the built reference and stub assemblies.</summary>
    static int CompareApi(string root, Lesson lesson)
    {
        string csproj = Directory.EnumerateFiles(Path.Combine(root, lesson.Source), "*.csproj").Single();
        string assembly = Regex.Match(File.ReadAllText(csproj), "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;
        string reference = Path.Combine(root, lesson.Source, "bin", "Debug", "net10.0", assembly + ".dll");
        string stub = Path.Combine(root, "Lessons", lesson.Folder, "src", "bin", "Debug", "net10.0", assembly + ".dll");
        foreach (string dll in new[] { reference, stub })
        {
            if (File.Exists(dll)) continue;
            Console.WriteLine($"{dll} is missing: build the reference and the lesson first");
            return 1;
        }
        var expected = PublicApi(reference);
        var actual = PublicApi(stub);
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        foreach (string member in missing)
            Console.WriteLine($"  missing from the stubs: {member}");
        foreach (string member in extra)
            Console.WriteLine($"  only in the stubs: {member}");
        Console.WriteLine($"{lesson.Folder}: {expected.Count} public members in {assembly}; stubs {(missing.Count + extra.Count == 0 ? "identical" : "differ")}");
        return missing.Count + extra.Count == 0 ? 0 : 1;
    }

    /// <summary>Every public (and protected) type and member of an assembly, one signature per line, loaded in isolation.</summary>
    static SortedSet<string> PublicApi(string dll)
    {
        string folder = Path.GetDirectoryName(dll)!;
        var context = new AssemblyLoadContext(dll, isCollectible: true);
        context.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        try
        {
            var api = new SortedSet<string>(StringComparer.Ordinal);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var type in context.LoadFromAssemblyPath(dll).GetExportedTypes())
            {
                api.Add($"{Kind(type)} {type.FullName} : {type.BaseType?.FullName} {string.Join(", ", type.GetInterfaces().Select(i => i.FullName).Order())}");
                foreach (var member in type.GetMembers(all))
                {
                    bool visible = member switch
                    {
                        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
                        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
                        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
                        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
                        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
                        _ => false,
                    };
                    if (!visible) continue;
                    string signature = member is FieldInfo { IsLiteral: true } constant
                        ? $"{member} = {constant.GetRawConstantValue()}"
                        : member.ToString()!;
                    api.Add($"{type.FullName}::{signature}");
                }
            }
            return api;
        }
        finally
        {
            context.Unload();
        }
    }

    static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    static string FirstLine(string text)
    {
        string line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
