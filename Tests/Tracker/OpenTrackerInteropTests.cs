using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>
/// Our `peers` command against the real opentracker, over HTTP and UDP, everything inside a private
/// network namespace. A stand-in peer is registered first by announcing with another port (opentracker
/// also lists the asker itself, so the second listing holds both).
/// </summary>
[Stage(3)]
[Interop]
public class OpenTrackerInteropTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("metorrent-ot-").FullName;
        OpenTracker.OpenToEveryone(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("http")]
    [TestCase("udp")]
    public void PeersListsThePeersOpentrackerKnows(string scheme)
    {
        using var ns = NetworkNamespace.Create();
        string torrent = TestTorrents.Write(_dir, [[$"{scheme}://127.0.0.1:{OpenTracker.DefaultPort}/announce"]]);
        using var tracker = OpenTracker.Start(ns, [TestTorrents.Read(torrent).InfoHash]);

        var register = MeTorrentCli.RunIn(ns, ["peers", "--port", "51000", torrent], CliTimeout);
        Assert.That(register.ExitCode, Is.EqualTo(0), register.ToString());

        var listing = MeTorrentCli.RunIn(ns, ["peers", torrent], CliTimeout);
        Assert.That(listing.ExitCode, Is.EqualTo(0), listing.ToString());
        var lines = listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Does.Contain("127.0.0.1:51000"), listing.ToString());
        Assert.That(lines, Does.Contain("127.0.0.1:6881"), "opentracker lists the asker too");
        Assert.That(lines, Has.All.Match(@"^\d+\.\d+\.\d+\.\d+:\d+$|^\[[0-9a-f:.]+\]:\d+$"), "one ip:port per line");
    }

    [TestCase("http")]
    [TestCase("udp")]
    public void AnUnlistedTorrentIsRefusedInOpentrackersWords(string scheme)
    {
        using var ns = NetworkNamespace.Create();
        using var tracker = OpenTracker.Start(ns, []);
        string torrent = TestTorrents.Write(_dir, [[$"{scheme}://127.0.0.1:{OpenTracker.DefaultPort}/announce"]]);

        var result = MeTorrentCli.RunIn(ns, ["peers", torrent], CliTimeout);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Output, Is.Empty);
        Assert.That(result.Errors.TrimEnd(), Does.StartWith($"metorrent peers: tracker {scheme}://127.0.0.1:{OpenTracker.DefaultPort}/announce: refused the announce: "));
        Assert.That(result.Errors.TrimEnd(), Does.Not.Contain("\n"), "one line");
    }

    [Test]
    public void ServesATorrentOnceItIsWhitelisted()
    {
        using var ns = NetworkNamespace.Create();
        using var tracker = OpenTracker.Start(ns, []);
        string torrent = TestTorrents.Write(_dir, [[tracker.HttpAnnounceUrl]]);
        Assert.That(MeTorrentCli.RunIn(ns, ["peers", torrent], CliTimeout).ExitCode, Is.EqualTo(1));

        tracker.Allow(TestTorrents.Read(torrent).InfoHash);
        var result = MeTorrentCli.RunIn(ns, ["peers", torrent], CliTimeout);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    [Test]
    public void FallsThroughADeadTrackerToOpentracker()
    {
        using var ns = NetworkNamespace.Create();
        // Nothing listens on port 1: refused at once, then the next tier answers.
        string torrent = TestTorrents.Write(_dir, [["http://127.0.0.1:1/announce", "udp://127.0.0.1:1/announce"], [$"udp://127.0.0.1:{OpenTracker.DefaultPort}/announce"]]);
        using var tracker = OpenTracker.Start(ns, [TestTorrents.Read(torrent).InfoHash]);

        var result = MeTorrentCli.RunIn(ns, ["peers", "--port", "51002", torrent], CliTimeout);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("127.0.0.1:51002"));
    }
}
