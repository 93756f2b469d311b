using System.Diagnostics;
using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`--map`: the live piece map, as drawn, and as a person sees it in a terminal (tmux).</summary>
[Stage(5)]
public class PieceMapTests
{
    private static SwarmView View(params PieceCell[] pieces) => new(pieces,
        [new PeerView(new IPEndPoint(IPAddress.Loopback, 6881), 2_000_000, 0, true, true, false, false, 42, 10)]);

    [Test]
    public void EachStateHasItsSymbolAndMissingPiecesShowTheirAvailability()
    {
        var lines = PieceMap.Render(View(
            new(PieceMark.Verified, 3), new(PieceMark.Verifying, 3), new(PieceMark.Received, 3), new(PieceMark.Requested, 3),
            new(PieceMark.Failed, 3), new(PieceMark.Missing, 0), new(PieceMark.Missing, 7), new(PieceMark.Missing, 12)), color: false);
        Assert.That(lines[0], Is.EqualTo("#=+-X07*"));
        Assert.That(lines[1], Does.Contain("# verified").And.Contain("X failed its hash check"));
        Assert.That(lines[2], Does.Contain("0-9 missing (how many peers have it)"));
        Assert.That(lines[3], Does.Contain("127.0.0.1:6881").And.Contain("unchokes us").And.Contain("42 req"));
    }

    [Test]
    public void ManyPiecesShareACellThatShowsItsMostTellingPiece()
    {
        var pieces = Enumerable.Repeat(new PieceCell(PieceMark.Verified, 1), 100_000).ToArray();
        pieces[5] = new(PieceMark.Failed, 1);
        pieces[50_000] = new(PieceMark.Missing, 2);
        var lines = PieceMap.Render(View(pieces), color: false);
        Assert.That(lines.Take(PieceMap.MaxRows).All(l => l.Length == PieceMap.Columns), Is.True, "256 cells for 100,000 pieces");
        Assert.That(lines[0][0], Is.EqualTo('X'), "a failure in a group shows");
        Assert.That(string.Concat(lines.Take(4)).Count(c => c == '2'), Is.EqualTo(1), "a missing piece in a verified group shows");
        Assert.That(lines[PieceMap.MaxRows + 1], Does.Contain("one cell: 391 pieces"));
    }

    [Test]
    public void EveryLineFitsEightyColumns()
    {
        var lines = PieceMap.Render(View(Enumerable.Repeat(new PieceCell(PieceMark.Missing, 1), 5000).ToArray()), color: false);
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(80));
    }

    /// <summary>As a person would: `demo --map` in a terminal (tmux, 80×40), the screen captured while and after it runs.</summary>
    [Test]
    public void DemoMapOnATerminal()
    {
        if (!File.Exists("/usr/bin/tmux"))
            Assert.Ignore("needs tmux (.ci/install-deps installs it)");
        string session = "metorrent-map-" + Environment.ProcessId;
        string command = $"dotnet {MeTorrentCli.AssemblyPath} demo --size 96M --seeders 3 --liar --map; sleep 30";
        Run("tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "40", command);
        try
        {
            string screen = "";
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && !screen.Contains("Verified:"))
            {
                Thread.Sleep(500);
                screen = Run("tmux", "capture-pane", "-p", "-t", session);
            }
            TestContext.Progress.WriteLine(screen);
            Assert.That(screen, Does.Contain("Verified: the download is identical"), "the demo finished");
            Assert.That(screen, Does.Contain("# verified  = hashing  + receiving  - requested  X failed its hash check"));
            Assert.That(screen, Does.Match(@"\n#{50,}"), "the last picture: every piece verified");
            Assert.That(screen, Does.Match(@"127\.0\.0\.1:\d+ +↓"), "the peers, with their rates");
            Assert.That(screen.Split('\n').Max(l => l.TrimEnd().Length), Is.LessThanOrEqualTo(80));
        }
        finally
        {
            Run("tmux", "kill-session", "-t", session);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
