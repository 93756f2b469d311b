namespace MeTorrent.Lessons.Tool;

/// <summary>
/// Writes (generate) or compares (check) each lesson's stubs: every .cs file of the reference project that
/// carries markers, passed through <see cref="Markers.Transform"/>, under Lessons/NN-Stage/src/ at the same
/// relative path. Only those files are the student's: the stub project compiles every other file straight
/// from the reference folder (Lessons/Stub.targets), so src/ holds nothing else. Also checks that the
/// lesson README names every step a marker asks for.
/// </summary>
public static class StubGenerator
{
    /// <summary>Builds every active lesson's stubs; writes them, or reports each file that differs.</summary>
    public static int Generate(string root, bool write, string? only)
    {
        if (only is not null && !LessonTool.Course.Any(l => l.Folder == only))
            throw new MarkerException($"no lesson {only}; the lessons are {string.Join(", ", LessonTool.Course.Select(l => l.Folder))}");
        int problems = 0;
        foreach (var lesson in LessonTool.Course.Where(l => only is null || l.Folder == only))
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
            Console.Error.WriteLine($"{problems} problem(s); stubs out of date? run `dotnet run --project Lessons/tools -- generate` and commit them");
        return problems == 0 ? 0 : 1;
    }

    private static int GenerateLesson(string root, Lesson lesson, bool write)
    {
        string sourceDir = Path.Combine(root, lesson.Source);
        string stubDir = Path.Combine(root, "Lessons", lesson.Folder, "src");
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var markers = new List<Marker>();
        foreach (string file in SourceFiles(sourceDir))
        {
            string relative = Path.GetRelativePath(sourceDir, file).Replace('\\', '/');
            string where = $"{lesson.Source}/{relative}";
            if (Markers.Transform(File.ReadAllText(file), where, lesson, markers) is { } stub)
                expected[relative] = stub;
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
                Console.Error.WriteLine($"{lesson.Folder}: src/{relative} is {(existing.Contains(relative) ? "stale (out of date)" : "missing")}");
                problems++;
            }
        }
        // Anything else in src/ is extra: a copy of a reference file without markers (the project links
        // the reference's own file, so the copy would be compiled twice) or a file gone from the reference.
        foreach (string extra in existing.Where(r => !expected.ContainsKey(r)))
        {
            string why = File.Exists(Path.Combine(sourceDir, extra))
                ? $"{lesson.Source}/{extra} has no lesson markers: the project compiles it from {lesson.Source}/"
                : $"gone from {lesson.Source}/";
            if (write)
            {
                File.Delete(Path.Combine(stubDir, extra));
                Console.WriteLine($"deleted Lessons/{lesson.Folder}/src/{extra} ({why})");
            }
            else
            {
                Console.Error.WriteLine($"{lesson.Folder}: src/{extra} is extra ({why})");
                problems++;
            }
        }
        if (write)
            DeleteEmptyFolders(stubDir);
        Console.WriteLine($"{lesson.Folder}: {expected.Count} student files, {markers.Select(m => m.Id).Distinct().Count()} lesson steps" +
                          (write ? "" : problems == 0 ? ", stubs current" : ""));
        return problems;
    }

    /// <summary>Folders left empty once their unmarked copies are deleted (bin/ and obj/ are left alone).</summary>
    private static void DeleteEmptyFolders(string dir)
    {
        foreach (string sub in Directory.EnumerateDirectories(dir))
        {
            if (IsBuildOutput(Path.GetFileName(sub))) continue;
            DeleteEmptyFolders(sub);
            if (!Directory.EnumerateFileSystemEntries(sub).Any())
                Directory.Delete(sub);
        }
    }

    private static IEnumerable<string> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(dir, f)))
            .Order(StringComparer.Ordinal);

    private static bool IsBuildOutput(string relative)
    {
        string first = relative.Replace('\\', '/').Split('/')[0];
        return first is "bin" or "obj";
    }

    /// <summary>The lesson text must explain every step the stubs ask for: each marker id appears in it.</summary>
    private static int CheckReadmeCoversMarkers(string root, Lesson lesson, List<Marker> markers)
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
}
