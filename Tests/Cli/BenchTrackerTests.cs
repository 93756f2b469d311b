using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`bench tracker`: our tracker under load on 127.0.0.1, one line of figures per protocol.</summary>
[Stage(5)]
public class BenchTrackerTests
{
    [Test]
    public async Task PrintsAnnouncesPerSecondForHttpAndUdp()
    {
        var result = await CliRunner.RunAsync("bench", "tracker", "--seconds", "3", "--clients", "2");
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("warning")).ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0], Does.Match(@"^tracker http +[\d,]+ announces/s"));
        Assert.That(lines[1], Does.Match(@"^tracker udp +[\d,]+ announces/s"));
        Assert.That(lines.Select(l => int.Parse(l.Split("announces/s")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].Replace(",", ""))),
            Has.Some.GreaterThan(0), "a loaded machine may answer no HTTP announce in the first seconds, but it answers");
    }
}
