using System.Text.RegularExpressions;

namespace MeTorrent.Lessons.Tool;

/// <summary>
/// A lesson as its folder describes it, whatever its number: Lessons/NN-Stage/ with a LessonNN.csproj that
/// names the reference project and the student's project (see Lessons/Lesson.targets).
/// </summary>
/// <param name="Folder">"01-Bencode"</param>
/// <param name="Directory">the lesson folder's full path</param>
/// <param name="TestProject">the LessonNN.csproj's full path</param>
/// <param name="StudentProject">the student's project, relative to the lesson folder ("src/Bencode.csproj")</param>
/// <param name="ReferenceProject">the reference project, relative to the repository root ("Bencode/Bencode.csproj")</param>
public sealed record LessonInfo(string Folder, string Directory, string TestProject, string StudentProject, string ReferenceProject)
{
    public string Number => Folder[..2];

    /// <summary>The reference project's folder, relative to the root, with '/' ("Bencode").</summary>
    public string ReferenceFolder => Path.GetDirectoryName(ReferenceProject)!.Replace('\\', '/');

    /// <summary>The student's folder ("src") and its files, relative to it (bin/ and obj/ left out).</summary>
    public string StudentFolder => Path.GetDirectoryName(StudentProject)!;

    public IEnumerable<string> StudentFiles()
    {
        string dir = Path.Combine(Directory, StudentFolder);
        return System.IO.Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The student's assembly name, from its project ("MeTorrent.Bencode").</summary>
    public string AssemblyName() =>
        Regex.Match(File.ReadAllText(Path.Combine(Directory, StudentProject)), "<AssemblyName>(.*?)</AssemblyName>") is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : Path.GetFileNameWithoutExtension(StudentProject);

    /// <summary>Every lesson folder with a Lesson*.csproj, in order.</summary>
    public static IReadOnlyList<LessonInfo> All(string root) =>
        System.IO.Directory.EnumerateDirectories(Path.Combine(root, "Lessons"))
            .Where(d => Regex.IsMatch(Path.GetFileName(d), @"^\d\d-"))
            .Order(StringComparer.Ordinal)
            .Select(d => TryRead(d))
            .OfType<LessonInfo>()
            .ToList();

    public static LessonInfo Find(string root, string folder) =>
        All(root).FirstOrDefault(l => l.Folder == folder)
        ?? throw new MarkerException($"no lesson {folder} (a folder Lessons/{folder}/ with a Lesson*.csproj)");

    private static LessonInfo? TryRead(string dir)
    {
        string? project = System.IO.Directory.EnumerateFiles(dir, "Lesson*.csproj").FirstOrDefault();
        if (project is null)
            return null;
        string text = File.ReadAllText(project);
        string Property(string name) => Regex.Match(text, $"<{name}>(.*?)</{name}>") is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : throw new MarkerException($"{project}: no <{name}>");
        return new LessonInfo(Path.GetFileName(dir), dir, project, Property("LessonStubProject"), Property("LessonReferenceProject"));
    }
}

/// <summary>
/// Lessons/NN-Stage/scratch/: the student's project with every student file replaced by the reference file it
/// was generated from, i.e. the stubs filled in with the reference's solutions. Mutants are applied here, and
/// the gate runs each lesson's "run it" commands on it. Not committed (.gitignore), never released.
/// </summary>
public static class Scratch
{
    public const string FolderName = "scratch";

    public static string ProjectPath(LessonInfo lesson) => $"{FolderName}/{Path.GetFileName(lesson.StudentProject)}";

    /// <summary>Writes the reference's version of every student file into <paramref name="folder"/> (a release's src/).</summary>
    public static void FillFolder(string root, LessonInfo lesson, string folder)
    {
        foreach (string file in lesson.StudentFiles())
        {
            string target = Path.Combine(folder, file);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, lesson.ReferenceFolder, file), target, overwrite: true);
        }
    }

    public static string Fill(string root, LessonInfo lesson) => Fill(root, lesson, FolderName);

    /// <summary>The same, into Lessons/NN-Stage/<paramref name="folderName"/>/ (a mutant's copy, beside scratch/).</summary>
    public static string Fill(string root, LessonInfo lesson, string folderName)
    {
        string scratch = Path.Combine(lesson.Directory, folderName);
        System.IO.Directory.CreateDirectory(scratch);
        var files = lesson.StudentFiles().ToHashSet(StringComparer.Ordinal);
        foreach (string old in System.IO.Directory.EnumerateFiles(scratch, "*.cs", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(scratch, f).Replace('\\', '/'))
                     .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal) && !files.Contains(f)))
            File.Delete(Path.Combine(scratch, old));
        File.Copy(Path.Combine(lesson.Directory, lesson.StudentProject), Path.Combine(scratch, Path.GetFileName(lesson.StudentProject)), overwrite: true);
        foreach (string file in files)
        {
            string target = Path.Combine(scratch, file);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string reference = Path.Combine(root, lesson.ReferenceFolder, file);
            // Keep the timestamp when nothing changed, so that an unchanged project is not rebuilt.
            string text = File.ReadAllText(reference);
            if (!File.Exists(target) || File.ReadAllText(target) != text)
                File.WriteAllText(target, text);
        }
        return scratch;
    }
}
