using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>
/// Real clients announce to our tracker: `metorrent tracker` runs inside a private network namespace
/// next to libtorrent and aria2, and must answer them so that they find each other.
/// </summary>
[Stage(3)]
[Interop]
public class TrackerServerInteropTests
{
    private const int TrackerPort = 6969;
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("metorrent-ourtracker-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static void StartOurTracker(NetworkNamespace ns)
    {
        ns.Start(MeTorrentCli.Dotnet, [MeTorrentCli.AssemblyPath, "tracker", "--port", $"{TrackerPort}", "--interval", "5"]);
        ns.WaitForTcpPort(TrackerPort, TimeSpan.FromSeconds(30));
    }

    [TestCase("http")]
    [TestCase("udp")]
    public void LibtorrentGetsPeersFromOurTracker_AndWeSeeLibtorrent(string scheme)
    {
        Tools.RequireLibtorrent();
        using var ns = NetworkNamespace.Create();
        StartOurTracker(ns);
        string torrent = TestTorrents.Write(_dir, [[$"{scheme}://127.0.0.1:{TrackerPort}/announce"]]);

        var register = MeTorrentCli.RunIn(ns, ["peers", "--port", "51000", torrent], CliTimeout);
        Assert.That(register.ExitCode, Is.EqualTo(0), register.ToString());

        var libtorrent = LibtorrentPeer.Start(ns, torrent, Directory.CreateDirectory(Path.Combine(_dir, "lt")).FullName, 6881, _dir, TimeSpan.FromSeconds(60));
        string reply = libtorrent.WaitFor("REPLY", TimeSpan.FromSeconds(30));
        Assert.That(reply, Is.EqualTo("REPLY 1"), "libtorrent read our answer: one peer, the one we registered");

        var listing = MeTorrentCli.RunIn(ns, ["peers", "--port", "51001", torrent], CliTimeout);
        Assert.That(listing.ExitCode, Is.EqualTo(0), listing.ToString());
        Assert.That(listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "127.0.0.1:51000", "127.0.0.1:6881" }));
    }

    [Test]
    public void LibtorrentDownloadsFromAria2_WhoFoundEachOtherThroughOurTracker()
    {
        string aria2 = Tools.Require("aria2c", "aria2");
        Tools.RequireLibtorrent();
        using var ns = NetworkNamespace.Create();
        StartOurTracker(ns);

        string seedDir = Directory.CreateDirectory(Path.Combine(_dir, "seed")).FullName;
        string data = TestTorrents.WriteRandomData(seedDir, 2 << 20);
        string torrent = TestTorrents.WriteFor(data, $"http://127.0.0.1:{TrackerPort}/announce", _dir);

        // aria2 1.36 cannot use UDP trackers without DHT, so this one is HTTP.
        ns.Start(aria2, [
            $"--dir={seedDir}", "--seed-ratio=0.0", "--bt-seed-unverified=true", "--check-integrity=false",
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--listen-port=6882", "--interface=127.0.0.1", "--disable-ipv6=true", "--file-allocation=none",
            "--bt-tracker-interval=5", "--summary-interval=0", "--console-log-level=warn", torrent]);
        WaitUntilListed(ns, torrent, "127.0.0.1:6882", TimeSpan.FromSeconds(30));

        string downloadDir = Directory.CreateDirectory(Path.Combine(_dir, "download")).FullName;
        var libtorrent = LibtorrentPeer.Start(ns, torrent, downloadDir, 6891, _dir, TimeSpan.FromSeconds(90));
        libtorrent.WaitFor("COMPLETE", TimeSpan.FromSeconds(60));

        Assert.That(File.ReadAllBytes(Path.Combine(downloadDir, Path.GetFileName(data))), Is.EqualTo(File.ReadAllBytes(data)));
    }

    /// <summary>Asks our tracker (with `metorrent peers`) until <paramref name="peer"/> shows up.</summary>
    private static void WaitUntilListed(NetworkNamespace ns, string torrent, string peer, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        ProcessRunner.Result? last = null;
        for (int port = 52000; DateTime.UtcNow < deadline; port++)
        {
            last = MeTorrentCli.RunIn(ns, ["peers", "--port", $"{port}", torrent], CliTimeout);
            if (last.Output.Split('\n').Contains(peer))
                return;
            Thread.Sleep(500);
        }
        Assert.Fail($"{peer} never announced to our tracker within {timeout.TotalSeconds} s; last listing: {last}");
    }
}
