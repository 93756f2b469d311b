using System.Text.RegularExpressions;

namespace MeTorrent.Lessons.Tool;

/// <summary>
/// `release &lt;folder&gt;`: writes the repository an instructor hands to students. Per lesson: the lesson text,
/// the hints, the stubs (src/), the tests (tests/) and the stage's provided files (provided/: the files of the
/// stage's project that carry no lesson markers, which compile into the same assembly as the student's code).
/// Everything else — the earlier and later stages, the CLI — ships as compiled Release assemblies without
/// debug symbols (lib/), so no solution's source is in the release and no stack trace leads into one.
/// Works for any Lessons/NN-Stage folder with a Lesson*.csproj (LessonInfo).
/// </summary>
public static class Release
{
    public static int Write(string root, string folder)
    {
        string target = Path.GetFullPath(folder);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new MarkerException($"{target} is not empty: give release a new or empty folder");
        // Lessons that write parts of one reference project (05, 06 and 09 all write Download/) are each released:
        // a lesson compiles the others' files of its project from their src/ (the student's own copies), never
        // from the reference, whose source would be their solution (WriteLesson).
        var lessons = LessonInfo.All(root);
        string lib = Path.Combine(target, "lib");
        Directory.CreateDirectory(lib);

        // The reference, compiled: every lesson's reference project (and what it references), Release, no symbols.
        // One build per project that no other of them references (the others' builds compile it into lib/ too: a build
        // each would cost a few seconds more).
        var projects = lessons.Select(l => l.ReferenceProject).Append("Download/Download.csproj").Distinct().ToList();
        var referenced = projects.SelectMany(p => ProjectClosure(Path.Combine(root, p)).Skip(1)).ToHashSet(StringComparer.Ordinal);
        foreach (string project in projects.Where(p => !referenced.Contains(Path.GetFullPath(Path.Combine(root, p)))))
        {
            string log = Mutants.Dotnet(root, ["build", project, "-c", "Release", "-o", lib, "-p:DebugType=none", "-p:UseAppHost=false"]);
            if (!log.Contains("Build succeeded", StringComparison.Ordinal))
                throw new MarkerException($"building {project} failed:\n{string.Join('\n', log.Split('\n').Where(l => l.Contains("error")).Take(10))}");
        }
        foreach (string file in Directory.EnumerateFiles(lib).Where(f => !f.EndsWith(".dll", StringComparison.Ordinal)))
            File.Delete(file);

        string lessonsDir = Path.Combine(target, "Lessons");
        Directory.CreateDirectory(Path.Combine(lessonsDir, "Support"));
        File.Copy(Path.Combine(root, "Directory.Build.props"), Path.Combine(target, "Directory.Build.props"));
        foreach (string support in new[] { "StageAttribute.cs", "LessonAssert.cs" })
            File.Copy(Path.Combine(root, "Tests", "Support", support), Path.Combine(lessonsDir, "Support", support));
        File.WriteAllText(Path.Combine(lessonsDir, "Lesson.targets"),
            LessonTargets.Replace(UnfinishedLessonsPlace, Section(root, "Lesson.targets", "OwnLessons=true: your lesson runs on")));
        File.WriteAllText(Path.Combine(lessonsDir, "Stub.targets"),
            StubTargets.Replace(SourcesInBuildPlace, Section(root, "Stub.targets", "The source files this build compiles")));
        // The course text for students: everything before the instructor's and the maintainers' sections.
        string course = File.ReadAllText(Path.Combine(root, "Lessons", "README.md"));
        int cut = course.IndexOf("\n## How an instructor", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(lessonsDir, "README.md"), cut < 0 ? course : course[..(cut + 1)]);
        File.WriteAllText(Path.Combine(target, "README.md"), StudentReadme(lessons));
        File.WriteAllText(Path.Combine(target, ".gitignore"), "bin/\nobj/\nTestResults/\n*.trx\n/swarm.torrent\n/lesson02.torrent\n/piece-0\n/swarm-download.bin\n");
        WriteCli(root, Path.Combine(lessonsDir, "cli"));

        foreach (var lesson in lessons)
            WriteLesson(root, lesson, lessons, Path.Combine(lessonsDir, lesson.Folder));

        int leaks = CheckNoSolutions(root, target, lessons);
        Console.WriteLine($"released {lessons.Count} lessons to {target}: lib/ holds {Directory.GetFiles(lib).Length} compiled assemblies");
        return leaks == 0 ? 0 : 1;
    }

    private static void WriteLesson(string root, LessonInfo lesson, IReadOnlyList<LessonInfo> lessons, string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (string text in new[] { "README.md", "HINTS.md" })
            if (File.Exists(Path.Combine(lesson.Directory, text)))
                File.Copy(Path.Combine(lesson.Directory, text), Path.Combine(dir, text));

        // src/: the stubs, and the student's project with the earlier stages as compiled assemblies.
        var studentFiles = lesson.StudentFiles().ToHashSet(StringComparer.Ordinal);
        string src = Path.Combine(dir, lesson.StudentFolder);
        foreach (string file in studentFiles)
            CopyTo(Path.Combine(lesson.Directory, lesson.StudentFolder, file), Path.Combine(src, file));
        var earlier = Closure(root, lesson.ReferenceProject).Skip(1).ToList(); // the stages this one builds on
        // The files other lessons of this project write: from those lessons' src/ (their stubs until the student writes them).
        var siblings = lessons.Where(l => l != lesson && l.ReferenceProject == lesson.ReferenceProject)
            .SelectMany(l => l.StudentFiles().Select(file => (Lesson: l, File: file)))
            .Where(s => !studentFiles.Contains(s.File))
            .ToList();
        File.WriteAllText(Path.Combine(dir, lesson.StudentProject),
            StudentProject(File.ReadAllText(Path.Combine(lesson.Directory, lesson.StudentProject)), earlier, lesson, siblings));

        // provided/: the stage's files without markers, compiled with the student's (same assembly).
        string reference = Path.Combine(root, lesson.ReferenceFolder);
        var written = siblings.Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(reference, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(reference, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)
                || studentFiles.Contains(relative) || written.Contains(relative))
                continue;
            CopyProvided(file, Path.Combine(dir, "provided", relative));
        }

        // tests/: the lesson's tests, and the files its project links from elsewhere (another lesson's fake peer).
        string testProject = File.ReadAllText(lesson.TestProject);
        string stage = Regex.Match(testProject, "<LessonStage>(.*?)</LessonStage>").Groups[1].Value;
        string tests = Directory.Exists(Path.Combine(lesson.Directory, "tests"))
            ? Path.Combine(lesson.Directory, "tests")
            : Path.Combine(root, "Tests", stage, "Lesson");
        foreach (string file in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories))
            CopyTo(file, Path.Combine(dir, "tests", Path.GetRelativePath(tests, file)));
        foreach (Match linked in Regex.Matches(testProject, @"<Compile Include=""\$\(RepositoryRoot\)([^""]+)"""))
            CopyTo(Path.Combine(root, linked.Groups[1].Value), Path.Combine(dir, "tests", "linked", Path.GetFileName(linked.Groups[1].Value)));

        var own = Closure(root, lesson.ReferenceProject).First();
        File.WriteAllText(lesson.TestProject.Replace(lesson.Directory, dir), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Lesson {lesson.Number}: `dotnet test Lessons/{lesson.Folder}` tests your src/; add -p:Reference=true for the reference. -->
              <PropertyGroup>
                <LessonNumber>{lesson.Number}</LessonNumber>
                <LessonStubProject>{lesson.StudentProject}</LessonStubProject>
                <LessonAssembly>{own}</LessonAssembly>
                <LessonLibraries>{string.Join(';', Closure(root, lesson.ReferenceProject))}</LessonLibraries>
              </PropertyGroup>
              <Import Project="../Lesson.targets" />
            </Project>

            """);
    }

    /// <summary>A provided file: one that carries no lesson marker (a marked file is some lesson's solution).</summary>
    private static void CopyProvided(string from, string to)
    {
        var marker = new Regex(@"^\s*// (LESSON |BEGIN SOLUTION|END SOLUTION|STUB:)");
        if (File.ReadLines(from).Any(marker.IsMatch))
            throw new MarkerException($"{from} has lesson markers but belongs to no lesson's src/: it would ship a solution");
        CopyTo(from, to);
    }

    /// <summary>The assembly names of <paramref name="project"/> and of every project it references, itself first.</summary>
    private static List<string> Closure(string root, string project) =>
        ProjectClosure(Path.Combine(root, project))
            .Select(path => Regex.Match(File.ReadAllText(path), "<AssemblyName>(.*?)</AssemblyName>") is { Success: true } m
                ? m.Groups[1].Value : Path.GetFileNameWithoutExtension(path))
            .ToList();

    /// <summary>The full paths of <paramref name="project"/> and of every project it references, itself first.</summary>
    private static List<string> ProjectClosure(string project)
    {
        var paths = new List<string>();
        void Visit(string path)
        {
            path = Path.GetFullPath(path);
            if (paths.Contains(path))
                return;
            paths.Add(path);
            foreach (Match reference in Regex.Matches(File.ReadAllText(path), @"<ProjectReference Include=""([^""]+)"""))
                Visit(Path.Combine(Path.GetDirectoryName(path)!, reference.Groups[1].Value));
        }
        Visit(project);
        return paths;
    }

    /// <summary>
    /// The student's project, with each reference project it names replaced by the compiled assemblies, and the files
    /// that the other lessons of the same project write compiled from those lessons' src/ folders.
    /// </summary>
    private static string StudentProject(string project, IReadOnlyList<string> earlier, LessonInfo lesson, IReadOnlyList<(LessonInfo Lesson, string File)> siblings)
    {
        if (siblings.Count > 0)
        {
            string up = string.Concat(Enumerable.Repeat("../", lesson.StudentFolder.Split('/').Length));
            var links = string.Concat(siblings.Select(s =>
                $"\n    <Compile Include=\"$(MSBuildThisFileDirectory){up}../{s.Lesson.Folder}/{s.Lesson.StudentFolder}/{s.File}\" Link=\"lesson{s.Lesson.Number}/{s.File}\" />"));
            string comment = $"\n    <!-- Written in lesson{(siblings.Select(s => s.Lesson).Distinct().Count() > 1 ? "s" : "")} " +
                $"{string.Join(", ", siblings.Select(s => s.Lesson.Folder).Distinct())} (same stage): your code there, stubs until you write it. -->";
            project = project.Replace("</Project>", $"  <ItemGroup>{comment}{links}\n  </ItemGroup>\n</Project>");
        }
        project = Regex.Replace(project, @"\s*<LessonReferenceDir>.*?</LessonReferenceDir>", "");
        // In this repository, -p:OwnLessons=true swaps the reference's copies of the other lessons' files for the
        // student's; in the release they are always the student's (the links below): that group would list them twice.
        project = Regex.Replace(project,
            @"\s*<!-- With -p:OwnLessons=true[^>]*?-->\s*<ItemGroup Condition=""'\$\(OwnLessons\)' == 'true'"">\s*<\w+File .*?</ItemGroup>", "",
            RegexOptions.Singleline);
        var references = string.Concat(earlier.Select(name =>
            $"\n    <Reference Include=\"{name}\" Condition=\"'$(OwnLessons)' != 'true'\"><HintPath>$(MSBuildThisFileDirectory)../../../lib/{name}.dll</HintPath></Reference>"));
        project = Regex.Replace(project, @"\s*<ProjectReference Include=""\.\./\.\./\.\./[^""]+"" Condition=""'\$\(OwnLessons\)' != 'true'"" />", references);
        return new Regex("<!--.*?-->", RegexOptions.Singleline).Replace(project,
            "<!-- Your code: the .cs files here (fill in their TODOs). The rest of the stage is in ../provided/ and compiles\n" +
            "       with yours (Lessons/Stub.targets); the earlier stages are the compiled reference in lib/. -->", 1);
    }

    private static void WriteCli(string root, string dir)
    {
        string cli = Path.Combine(root, "Lessons", "cli");
        foreach (string file in Directory.EnumerateFiles(cli, "*.cs"))
            CopyTo(file, Path.Combine(dir, Path.GetFileName(file)));
        string project = File.ReadAllText(Path.Combine(cli, "LessonCli.csproj"));
        project = project.Replace("<ProjectReference Include=\"../../Download/Download.csproj\" />",
            "<Reference Include=\"$(MSBuildThisFileDirectory)../../lib/*.dll\" />");
        File.WriteAllText(Path.Combine(dir, "LessonCli.csproj"), project);
    }

    /// <summary>No marked solution anywhere in the release: no solution block, no file equal to a marked reference file.</summary>
    private static int CheckNoSolutions(string root, string target, IReadOnlyList<LessonInfo> lessons)
    {
        var solutions = lessons.SelectMany(l => l.StudentFiles().Select(f => File.ReadAllText(Path.Combine(root, l.ReferenceFolder, f)))).ToHashSet();
        int leaks = 0;
        foreach (string file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".dll", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            if (text.Contains("// BEGIN SOLUTION", StringComparison.Ordinal) || solutions.Contains(text) || file.EndsWith(".pdb", StringComparison.Ordinal))
            {
                Console.WriteLine($"solution source in the release: {Path.GetRelativePath(target, file)}");
                leaks++;
            }
        }
        return leaks;
    }

    private static void CopyTo(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination, overwrite: true);
    }

    private static string StudentReadme(IReadOnlyList<LessonInfo> lessons) => $"""
        # MeTorrent — the course

        Build a BitTorrent client one protocol concept at a time. Each lesson is a folder under `Lessons/`:
        the lesson text (`README.md`), hints to open only when stuck (`HINTS.md`), your files (`src/`), the
        files of the stage you do not write (`provided/`) and the tests (`tests/`). Everything else — the other
        stages and the `metorrent` command — comes compiled, in `lib/`.

        ```
        dotnet test Lessons/01-Bencode                      # fails until you have written the lesson
        dotnet test Lessons/01-Bencode --filter Step1       # one step at a time
        dotnet test Lessons/01-Bencode -p:Reference=true    # the same tests on the compiled reference
        dotnet test Lessons/02-Metainfo -p:OwnLessons=true  # on your own earlier lessons instead of the reference
        dotnet run --project Lessons/cli -p:Lesson=01-Bencode -- decode d3:foo3:bare   # your code in the real CLI
        ```

        Lessons: {string.Join(", ", lessons.Select(l => l.Folder))}. Each lesson stands alone, except that lessons
        writing parts of one stage build on each other in order (lesson 06's `seed` runs your lesson 05 engine); the last section of
        each lesson text, "Run it", runs your code through the `metorrent` command. More: `Lessons/README.md`.

        """;

    private const string UnfinishedLessonsPlace = "<!-- LESSON001 -->";
    private const string SourcesInBuildPlace = "<!-- LessonSourcesInBuild -->";

    /// <summary>
    /// A section of the repository's Lessons/<paramref name="file"/>, from the comment that opens with
    /// <paramref name="opening"/> to the end of the target after it: the release's targets share it word for word
    /// (-p:OwnLessons=true names the unfinished lessons a build compiles, LESSON001, there too).
    /// </summary>
    private static string Section(string root, string file, string opening)
    {
        string text = File.ReadAllText(Path.Combine(root, "Lessons", file));
        var section = Regex.Match(text, @"  <!--\s*" + Regex.Escape(opening) + @".*?</Target>", RegexOptions.Singleline);
        if (!section.Success)
            throw new MarkerException($"Lessons/{file} has no section opening with \"{opening}\"");
        return section.Value.TrimStart();
    }

    private const string LessonTargets = $$"""
        <Project>
          <!-- A lesson's test project in the student release: tests/ against your src/ (or, with -p:Reference=true,
               against the compiled reference in lib/). LessonLibraries: the stage's assembly and the earlier ones. -->
          <PropertyGroup>
            <IsTestProject>true</IsTestProject>
            <IsPackable>false</IsPackable>
            <EnableDefaultItems>false</EnableDefaultItems>
            <AssemblyName>MeTorrent.Lesson$(LessonNumber).Tests</AssemblyName>
            <RootNamespace>MeTorrent.Tests</RootNamespace>
            <LessonLib>$(MSBuildThisFileDirectory)../lib/</LessonLib>
          </PropertyGroup>
          <ItemGroup>
            <Compile Include="tests/**/*.cs" />
            <Compile Include="$(MSBuildThisFileDirectory)Support/*.cs" Link="Support/%(Filename)%(Extension)" />
            <LessonLibrary Include="$(LessonLibraries)" />
            <LessonLibrary Remove="$(LessonAssembly)" Condition="'$(Reference)' != 'true'" />
            <Reference Include="@(LessonLibrary)" HintPath="$(LessonLib)%(Identity).dll" Condition="'$(OwnLessons)' != 'true' or '$(Reference)' == 'true'" />
          </ItemGroup>
          <ItemGroup Condition="'$(Reference)' != 'true'">
            <ProjectReference Include="$(LessonStubProject)" />
          </ItemGroup>
          {{UnfinishedLessonsPlace}}
        </Project>

        """;

    private const string StubTargets = $$"""
        <Project>
          <!-- The student's project in the release: src/ (yours) plus ../provided/ (the rest of the stage). -->
          <ItemGroup>
            <Compile Include="../provided/**/*.cs" Link="provided/%(RecursiveDir)%(Filename)%(Extension)" />
          </ItemGroup>
          {{SourcesInBuildPlace}}
        </Project>

        """;
}
