using System.Net;
using System.Text.RegularExpressions;
using MeTorrent.Download;
using MeTorrent.Download.Demo;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download.Dht;

/// <summary>
/// `download`, `seed` and `demo` with the DHT (BEP 5), on real UDP sockets on 127.0.0.1: seeders that
/// announced to a small DHT of in-process nodes are found with no tracker at all.
/// </summary>
[Stage(5)]
public class DhtDownloadTests
{
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    private string SavedNodesFile => Path.Combine(_folder, "dht-nodes");

    private static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var deadline = Deadline(60);
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = await Program.RunAsync(args, output, errors, deadline.Token);
        return (code, output.ToString(), errors.ToString());
    }

    private static Task<DemoSwarm> DhtSwarmAsync(CancellationToken ct) =>
        DemoSwarm.StartAsync(new DemoSwarmOptions { Size = 1 << 20, PieceLength = 64 * 1024, Seeders = 2, Dht = true }, ct);

    [TestCase(true)]
    [TestCase(false)]
    public async Task ATrackerlessDownloadFindsTheSeedersThroughTheDht(bool magnet)
    {
        using var deadline = Deadline(60);
        await using var swarm = await DhtSwarmAsync(deadline.Token);
        Assert.That(swarm.Torrent.TrackerTiers, Is.Empty, "nothing but the DHT names the seeders");
        string input = magnet ? MeTorrent.Metainfo.MagnetLink.For(swarm.Torrent).ToString() : swarm.TorrentPath;
        Assert.That(input, Does.Not.Contain("tr=").And.Not.Contain("x.pe="));
        string output = Path.Combine(_folder, "copy.bin");

        var (code, stdout, errors) = await RunAsync("download", "-o", output, input, "--quiet",
            "--dht-bootstrap", swarm.Dht!.Entry.ToString(), "--dht-nodes", SavedNodesFile);

        Assert.That(code, Is.Zero, errors);
        Assert.That(stdout, Does.StartWith("Downloaded "));
        Assert.That(swarm.Verify(output), Is.True);
        Assert.That(SavedNodes.Load(SavedNodesFile)!.Nodes, Is.Not.Empty, "the nodes met are saved for the next run");
        if (!magnet)
            return;

        // Again with the metadata kept beside the output but the data gone: the peers still come from the DHT,
        // now through the saved nodes alone.
        File.Delete(output);
        Assert.That(File.Exists(output + ".torrent"), Is.True);
        (code, _, errors) = await RunAsync("download", "-o", output, input, "--quiet", "--dht-nodes", SavedNodesFile);
        Assert.That(code, Is.Zero, errors);
        Assert.That(swarm.Verify(output), Is.True);
    }

    [Test]
    public async Task AMagnetLinkWithNoTrackerAndNoDhtSaysHowToTurnTheDhtOn()
    {
        var (code, _, errors) = await RunAsync("download", "-o", Path.Combine(_folder, "x"),
            "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "--dht-nodes", SavedNodesFile);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("names no tracker (tr) and no peer (x.pe): turn the DHT on with --dht-bootstrap host:port"));
        Assert.That(errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.Exists(SavedNodesFile), Is.False, "no DHT was joined");
    }

    [Test]
    public async Task TheDemoFindsItsSeedersThroughADhtOfInProcessNodes()
    {
        var (code, output, errors) = await RunAsync("demo", "--dht", "--size", "1M", "--quiet");
        Assert.That(code, Is.Zero, errors);
        Assert.That(output, Does.Contain("Verified: the download is identical"));
        var (magnetCode, magnetOutput, magnetErrors) = await RunAsync("demo", "--dht", "--magnet", "--size", "1M", "--quiet");
        Assert.That(magnetCode, Is.Zero, magnetErrors);
        Assert.That(magnetOutput, Does.Contain("Metadata: ").And.Contain("Verified: the download is identical"));
    }

    [Test]
    public async Task SeedAnnouncesItsListenPortToTheDht()
    {
        using var deadline = Deadline(60);
        await using var dht = await DemoDht.StartAsync(deadline.Token);
        var payload = TestTorrent.Create(3 * 16384 + 100, 16384, seed: 5);
        string torrent = payload.WriteTo(_folder);
        string data = Path.Combine(_folder, payload.Name);
        var written = new StringWriter();
        var output = TextWriter.Synchronized(written);   // its methods lock the wrapper: so does Printed
        string Printed() { lock (output) return written.ToString(); }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var seeding = Program.RunAsync(["seed", torrent, data, "--no-tracker", "--port", "0", "--quiet",
            "--dht-bootstrap", dht.Entry.ToString(), "--dht-nodes", SavedNodesFile], output, TextWriter.Null, stop.Token);

        await WaitUntilAsync(() => Printed().Contains(" on port ") || seeding.IsCompleted, deadline.Token);
        int port = int.Parse(Regex.Match(Printed(), @"on port (\d+)").Groups[1].Value);
        await using var seeker = DhtNode.Start(DemoDht.NodeOptions);
        await seeker.BootstrapAsync([dht.Entry], deadline.Token);
        var found = new List<IPEndPoint>();
        while (!found.Contains(new IPEndPoint(IPAddress.Loopback, port)))
        {
            await Task.Delay(100, deadline.Token);
            await seeker.FindPeersAsync(new NodeId(payload.InfoHash.Bytes), found.Add, null, deadline.Token);
        }

        stop.Cancel();
        Assert.That(await seeding, Is.EqualTo(130));
        Assert.That(File.Exists(SavedNodesFile), Is.True, "the seeder saved the nodes it knew");
    }
}
