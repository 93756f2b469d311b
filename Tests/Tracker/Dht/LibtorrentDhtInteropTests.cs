using System.Diagnostics;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>
/// Our DHT node and libtorrent's on 127.0.0.1 inside a network namespace with only loopback: ping, our
/// node in libtorrent's routing table, and peers announced by one side found by the other's get_peers.
/// libtorrent's settings for loopback are in lt_dht.py and Tracker/Dht/README.md.
/// </summary>
[Stage(3)]
[Interop]
public class LibtorrentDhtInteropTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string InfoHash = "5dd9a1c6a7f2a0d4a9e0b1c2d3e4f5a6b7c8d9e0";
    private string _dir = null!;
    private NetworkNamespace _ns = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("metorrent-dht-lt-").FullName;
        _ns = NetworkNamespace.Create();
    }

    [TearDown]
    public void TearDown()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string SavedNodes => Path.Combine(_dir, "dht-nodes");

    private ProcessRunner.Result Cli(params string[] args) =>
        MeTorrentCli.RunIn(_ns, ["dht", .. args, "--address", "127.0.0.1", "--dht-nodes", SavedNodes], Patience + Patience);

    /// <summary>Our `dht node` in the namespace, its output going to a file the test reads.</summary>
    private string StartOurNode(int port, params string[] options)
    {
        string log = Path.Combine(_dir, $"our-node-{port}.txt");
        string command = string.Join(" ", new[] { MeTorrentCli.Dotnet, MeTorrentCli.AssemblyPath, "dht", "node", "--port", port.ToString(),
            "--address", "127.0.0.1", "--interval", "1", "--dht-nodes", SavedNodes }.Concat(options).Select(a => $"'{a}'"));
        _ns.Start("bash", ["-c", $"exec {command} > '{log}' 2>&1"]);
        return log;
    }

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

    [Test]
    public void OurNodePingsLibtorrentAndJoinsItsRoutingTable()
    {
        var libtorrent = LibtorrentDhtNode.Start(_ns, _dir, 7101);
        var ping = Cli("ping", libtorrent.EndPoint);
        Assert.That(ping.ExitCode, Is.Zero, ping.ToString());
        Assert.That(ping.Output, Does.Match("^Node ID: [0-9a-f]{40}\n"));

        string log = StartOurNode(7102, "--dht-bootstrap", libtorrent.EndPoint);
        libtorrent.WaitFor("TABLE 127.0.0.1:7102", Patience);
        WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains("table: 1 nodes (1 good)"), "our node listing libtorrent",
            () => File.Exists(log) ? File.ReadAllText(log) : "(no output)");
    }

    [Test]
    public void OurGetPeersFindsALibtorrentSeederThatAnnouncedItself()
    {
        var payload = TestTorrent.Create(4 * 16384, 16384, seed: 11);
        string seedDir = Path.Combine(_dir, "seed");
        string torrent = payload.WriteTo(seedDir);
        string infoHash = payload.InfoHash.Hex;
        var seeder = LibtorrentDhtNode.Start(_ns, _dir, 7201, "--seed", $"{torrent}:{seedDir}");
        var other = LibtorrentDhtNode.Start(_ns, _dir, 7202, "--bootstrap", seeder.EndPoint);
        seeder.WaitFor("TABLE 127.0.0.1:7202", Patience);

        // The seeder announces every 2 s to the nodes it knows; ask until the announce has landed.
        ProcessRunner.Result lookup = null!;
        WaitUntil(() =>
        {
            lookup = Cli("get_peers", infoHash, "--dht-bootstrap", other.EndPoint, "--timeout", "20");
            return lookup.Output.Contains("peer 127.0.0.1:7201\n");
        }, "our get_peers finding the libtorrent seeder", () => lookup.ToString());
        Assert.That(lookup.ExitCode, Is.Zero);
        Assert.That(lookup.Output, Does.Contain("hop 1  127.0.0.1:7202"));

        // The peer the DHT gave is the seeder of that torrent: it answers our handshake for it.
        var handshake = MeTorrentCli.RunIn(_ns, ["handshake", torrent, "127.0.0.1:7201"], Patience);
        Assert.That(handshake.ExitCode, Is.Zero, handshake.ToString());
        Assert.That(handshake.Output, Does.StartWith("Peer ID: "));
    }

    [Test]
    public void LibtorrentFindsAPeerWeAnnounced()
    {
        var first = LibtorrentDhtNode.Start(_ns, _dir, 7301);
        var seeker = LibtorrentDhtNode.Start(_ns, _dir, 7303, "--bootstrap", first.EndPoint, "--get-peers", InfoHash);
        first.WaitFor("TABLE 127.0.0.1:7303", Patience);

        string log = StartOurNode(7302, "--dht-bootstrap", first.EndPoint, "--announce", InfoHash, "--peer-port", "6999");
        WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains($"announced {InfoHash} port 6999 to "), "our announce",
            () => File.Exists(log) ? File.ReadAllText(log) : "(no output)");
        Assert.That(File.ReadAllText(log), Does.Not.Contain("to 0 nodes"), "libtorrent accepted our token and our announce");
        seeker.WaitFor($"PEER {InfoHash} 127.0.0.1:6999", Patience);
    }
}
