// metorrent-lesson: the `metorrent` command with one lesson's code swapped in (see LessonCli.csproj and
// Lessons/README.md, "Run it"), plus `swarm`, a small local swarm for the lessons to talk to.
using System.Reflection;
using MeTorrent.Lessons.Cli;

string? lesson = typeof(LessonCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "MeTorrent.Lesson")?.Value;
return await LessonCli.RunAsync(args, string.IsNullOrEmpty(lesson) ? null : lesson);
