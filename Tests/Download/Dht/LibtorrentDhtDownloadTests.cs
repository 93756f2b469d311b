using System.Diagnostics;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tests.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Dht;

/// <summary>
/// `download` and `seed` with libtorrent's DHT on 127.0.0.1, inside a network namespace with only loopback:
/// a libtorrent seeder that announced itself to the DHT is found and downloaded from (a .torrent whose
/// tracker is dead, and a magnet link with no tracker at all); libtorrent's lookup finds our seed.
/// </summary>
[Interop]
[NonParallelizable] // each test starts two or three programs; the machine has few cores
public class LibtorrentDhtDownloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private string _dir = null!;
    private NetworkNamespace _ns = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("metorrent-dht-dl-").FullName;
        _ns = NetworkNamespace.Create();
    }

    [TearDown]
    public void TearDown()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string SavedNodes => Path.Combine(_dir, "dht-nodes");

    private static void WaitUntil(Func<bool> condition, string what, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (condition())
                return;
            Thread.Sleep(250);
        }
        Assert.Fail($"{what} did not happen within {Patience.TotalSeconds} s:\n{describe()}");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void DownloadFindsALibtorrentSeederThroughTheDht(bool magnet)
    {
        var payload = TestTorrent.Create(6 * 16384 + 123, 16384, seed: 31);   // its tracker, 127.0.0.1:1, is dead
        string seedDir = Path.Combine(_dir, "seed");
        string torrent = payload.WriteTo(seedDir);
        var seeder = LibtorrentDhtNode.Start(_ns, _dir, 7501, "--seed", $"{torrent}:{seedDir}");
        var other = LibtorrentDhtNode.Start(_ns, _dir, 7502, "--bootstrap", seeder.EndPoint);
        seeder.WaitFor("TABLE 127.0.0.1:7502", Patience);
        // The seeder announces every 2 s to the nodes it knows: wait until the DHT lists it.
        ProcessRunner.Result lookup = null!;
        WaitUntil(() =>
        {
            lookup = MeTorrentCli.RunIn(_ns, ["dht", "get_peers", payload.InfoHash.Hex, "--quiet", "--dht-bootstrap", other.EndPoint,
                "--dht-nodes", Path.Combine(_dir, "lookup-nodes"), "--timeout", "20"], Patience);
            return lookup.Output.Contains("127.0.0.1:7501\n");
        }, "the libtorrent seeder's announce", () => lookup.ToString());

        string output = Path.Combine(_dir, "copy.bin");
        string input = magnet ? $"magnet:?xt=urn:btih:{payload.InfoHash.Hex}" : torrent;
        var download = MeTorrentCli.RunIn(_ns, ["download", "-o", output, "--dht-bootstrap", other.EndPoint, "--dht-nodes", SavedNodes,
            "--timeout", "30", "--verbose", "--trace-peer", "127.0.0.1:7501", input], Patience + Patience);

        Assert.That(download.ExitCode, Is.Zero, download.ToString());
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(payload.Data));
        // BEP 5's peer wire port message, both ways: ours names our node; libtorrent's is read, and its node pinged.
        Assert.That(download.Errors, Does.Contain("127.0.0.1:7501 → port listen-port="), download.ToString());
        Assert.That(download.Errors, Does.Contain("127.0.0.1:7501 ← port listen-port=7501"));
        Assert.That(download.Errors, Does.Contain("127.0.0.1:7501: its DHT node is at 127.0.0.1:7501 (BEP 5 port message)"));
        if (magnet)
            Assert.That(download.Errors, Does.Contain("DHT: 1 peers from ").And.Contain("Metadata received: payload.bin"));
    }

    [Test]
    public void LibtorrentFindsOurSeedThroughTheDht()
    {
        var payload = TestTorrent.Create(2 * 16384, 16384, seed: 32);
        string seedDir = Path.Combine(_dir, "seed");
        string torrent = payload.WriteTo(seedDir);
        var first = LibtorrentDhtNode.Start(_ns, _dir, 7601);
        var seeker = LibtorrentDhtNode.Start(_ns, _dir, 7603, "--bootstrap", first.EndPoint, "--get-peers", payload.InfoHash.Hex);
        first.WaitFor("TABLE 127.0.0.1:7603", Patience);

        _ns.Start(MeTorrentCli.Dotnet, [MeTorrentCli.AssemblyPath, "seed", "--no-tracker", "--port", "7602", "--quiet",
            "--dht-bootstrap", first.EndPoint, "--dht-nodes", SavedNodes, torrent, Path.Combine(seedDir, payload.Name)]);

        seeker.WaitFor($"PEER {payload.InfoHash.Hex} 127.0.0.1:7602", Patience);
    }
}
