using MeTorrent.Download.Benchmarks.Fuzzing;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`bench fuzz`: a short seeded pass over every target must find nothing; and what it would report, it does.</summary>
[Stage(5)]
public class BenchFuzzTests
{
    [Test]
    public async Task AShortSeededPassOverEveryTargetFindsNothing()
    {
        var result = await CliRunner.RunAsync("bench", "fuzz", "--count", "3000", "--seed", "20261130");
        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Errors);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("warning")).ToList();
        Assert.That(lines.Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "bencode", "torrent", "http-tracker", "udp-tracker", "peer", "extension" }));
        Assert.That(lines, Has.All.Contains("3,000 inputs").And.All.EndWith("ok"));
    }

    [Test]
    public void AnExceptionThatIsNotARefusalIsReportedWithItsInput()
    {
        var target = new FuzzTarget("broken", [[1, 2, 3]], input =>
        {
            if (input.Length > 3) throw new IndexOutOfRangeException("a parser bug");
            throw new FormatException("refused");
        }, [typeof(FormatException)]);
        var result = Fuzzer.Run(target, 2000, seed: 1, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(result.Inputs, Is.EqualTo(2000));
        Assert.That(result.Findings, Is.Not.Empty);
        Assert.That(result.Findings[0].Kind, Is.EqualTo("escaped"));
        Assert.That(result.Findings[0].Detail, Is.EqualTo("IndexOutOfRangeException: a parser bug"));
        Assert.That(result.Findings[0].Input.Length, Is.GreaterThan(3));
    }

    [Test]
    public void AnInputThatNeverReturnsIsReportedAsAHang()
    {
        using var release = new ManualResetEventSlim();
        var target = new FuzzTarget("hangs", [[1]], input => release.Wait(), []);
        var result = Fuzzer.Run(target, 10, seed: 1, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        release.Set();
        Assert.That(result.Findings.Single().Kind, Is.EqualTo("hang"));
    }

    [Test]
    public void AnUnknownTargetIsAClearError()
    {
        var result = CliRunner.RunAsync("bench", "fuzz", "--target", "nope").GetAwaiter().GetResult();
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Does.EndWith("unknown fuzz target \"nope\" (one of: all, bencode, torrent, http-tracker, udp-tracker, peer, extension)"));
    }
}
