using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Dht;

/// <summary>
/// `download` sends no DHT packet unless asked (issue 11): a whole download runs in a fresh network
/// namespace, whose kernel counts every UDP datagram sent in it (/proc/net/snmp, per namespace). With no
/// DHT option and no saved nodes the count stays at zero; the control cases show the probe sees a DHT
/// that is turned on, by --dht-bootstrap or by nodes an earlier run saved.
/// </summary>
[Interop] // runs the CLI in a network namespace (root), like the interop tests
[NonParallelizable]
public class NoDhtByDefaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const int SeederPort = 7401;
    private const string SilentNode = "127.0.0.1:7402";   // nothing listens there: a DHT query to it is still a datagram sent
    private string _dir = null!;
    private NetworkNamespace _ns = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("metorrent-no-dht-").FullName;
        _ns = NetworkNamespace.Create();
    }

    [TearDown]
    public void TearDown()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The user data folder of the runs here (where saved DHT nodes would be read from): empty unless a case fills it.</summary>
    private string DataHome => Path.Combine(_dir, "data-home");

    private string[] Cli(params string[] args) => ["env", $"XDG_DATA_HOME={DataHome}", MeTorrentCli.Dotnet, MeTorrentCli.AssemblyPath, .. args];

    /// <summary>UDP datagrams sent in the namespace so far (the OutDatagrams column of the Udp: lines).</summary>
    private long UdpDatagramsSent()
    {
        var lines = _ns.Run("cat", ["/proc/net/snmp"], TimeSpan.FromSeconds(10)).Output.Split('\n').Where(l => l.StartsWith("Udp: ")).ToList();
        Assert.That(lines, Has.Count.EqualTo(2), "the Udp: header and values of /proc/net/snmp");
        int column = Array.IndexOf(lines[0].Split(' '), "OutDatagrams");
        return long.Parse(lines[1].Split(' ')[column]);
    }

    /// <summary>A `metorrent seed` of <paramref name="payload"/> in the namespace (no DHT option); returns the .torrent's path.</summary>
    private string StartSeeder(TestTorrent payload)
    {
        string seedDir = Path.Combine(_dir, "seed");
        string torrent = payload.WriteTo(seedDir);
        string[] seedCommand = Cli("seed", "--no-tracker", "--port", SeederPort.ToString(), "--quiet", torrent, Path.Combine(seedDir, payload.Name));
        _ns.Start(seedCommand[0], seedCommand[1..]);
        _ns.WaitForTcpPort(SeederPort, Patience);
        return torrent;
    }

    [TestCase("none", false)]
    [TestCase("bootstrap", true)]
    [TestCase("saved nodes", true)]
    public void ADownloadSendsDhtPacketsOnlyWhenAsked(string dht, bool expectPackets)
    {
        var payload = TestTorrent.Create(5 * 16384 + 7, 16384, seed: 21);
        string torrent = StartSeeder(payload);
        if (dht == "saved nodes")
            SavedNodes.Save(Path.Combine(DataHome, "metorrent", "dht-nodes"), NodeId.Random(),
                [new NodeContact(NodeId.Random(), System.Net.IPEndPoint.Parse(SilentNode))]);
        Assert.That(UdpDatagramsSent(), Is.Zero, "nothing has used UDP yet: the seeder has no DHT option either");

        string output = Path.Combine(_dir, "copy.bin");
        string[] download = Cli(["download", "-o", output, "--peer", $"127.0.0.1:{SeederPort}", "--quiet", torrent,
            .. dht == "bootstrap" ? new[] { "--dht-bootstrap", SilentNode } : []]);
        var result = _ns.Run(download[0], download[1..], Patience);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(payload.Data));
        Assert.That(UdpDatagramsSent(), expectPackets ? Is.Positive : Is.Zero, $"UDP datagrams sent with DHT: {dht}");
    }

    /// <summary>
    /// Saved nodes that no longer answer must not hold up a download that has a peer to start with: the DHT joins
    /// in the background (before, the download waited for the bootstrap to give up, then warned that no node answered).
    /// </summary>
    [Test]
    public void ADownloadWithAPeerDoesNotWaitForSavedNodesThatAreGone()
    {
        var payload = TestTorrent.Create(5 * 16384 + 7, 16384, seed: 22);
        string torrent = StartSeeder(payload);
        SavedNodes.Save(Path.Combine(DataHome, "metorrent", "dht-nodes"), NodeId.Random(),
            [new NodeContact(NodeId.Random(), System.Net.IPEndPoint.Parse(SilentNode))]);

        string output = Path.Combine(_dir, "copy.bin");
        string[] download = Cli("download", "-o", output, "--peer", $"127.0.0.1:{SeederPort}", torrent);
        var result = _ns.Run(download[0], download[1..], Patience);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(payload.Data));
        Assert.That(result.Errors, Does.Not.Contain("no DHT node answered"), "the download did not wait for the DHT's bootstrap");
        Assert.That(UdpDatagramsSent(), Is.Positive, "the DHT was joined all the same (saved nodes turn it on)");
    }
}
