using System.Net;
using MeTorrent.Tests.Cli;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>`metorrent dht ping | get_peers | node` against in-process nodes on 127.0.0.1.</summary>
[Stage(3)]
public class DhtCommandTests
{
    private static readonly DhtNodeOptions Loopback = new() { Address = IPAddress.Loopback, QueryTimeout = TimeSpan.FromMilliseconds(500) };
    private readonly List<DhtNode> _nodes = [];
    private string _dir = null!;

    private string SavedNodesFile => Path.Combine(_dir, "dht-nodes");

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("metorrent-dht-cli-").FullName;

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _nodes.Clear();
        Directory.Delete(_dir, recursive: true);
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <summary>Five nodes that know each other; the third announced a peer on port 51413 for the info hash.</summary>
    private async Task<(DhtNode Entry, NodeId InfoHash)> SmallDhtAsync()
    {
        for (int i = 0; i < 5; i++)
            _nodes.Add(DhtNode.Start(Loopback));
        foreach (var node in _nodes.Skip(1))
            await node.BootstrapAsync([_nodes[0].LocalEndPoint], Deadline());
        foreach (var node in _nodes)
            await node.FindNodeAsync(node.Id, null, Deadline());
        var infoHash = NodeId.Random();
        Assert.That(await _nodes[2].AnnounceAsync(infoHash, 51413, Deadline()), Is.Positive);
        return (_nodes[0], infoHash);
    }

    [Test]
    public async Task HelpNamesTheThreeCommandsAndThePublicRouters()
    {
        var help = await CliRunner.RunAsync("dht", "--help");
        Assert.That(help.ExitCode, Is.Zero);
        Assert.That(help.Output, Does.Contain("dht ping").And.Contain("dht get_peers").And.Contain("dht node").And.Contain("--dht-bootstrap public"));
        Assert.That((await CliRunner.RunAsync("dht", "get_peers", "--help")).Output, Is.EqualTo(help.Output));
    }

    [TestCase(new string[0], "expected ping, get_peers or node")]
    [TestCase(new[] { "scan" }, "unknown dht command \"scan\"")]
    [TestCase(new[] { "ping" }, "expected dht ping <ip:port>")]
    [TestCase(new[] { "ping", "localhost:6881" }, "host names are not looked up")]
    [TestCase(new[] { "get_peers", "abc" }, "\"abc\" is not an info hash (40 hex digits)")]
    [TestCase(new[] { "get_peers", "magnet:?dn=x" }, "Magnet link has no info hash")]
    [TestCase(new[] { "get_peers", "0123456789abcdef0123456789abcdef01234567", "--dht-bootstrap", "127.0.0.1" }, "--dht-bootstrap takes host:port")]
    [TestCase(new[] { "node", "--address", "::1" }, "IPv6, BEP 32, is not supported yet")]
    public async Task BadArgumentsGetOneLine(string[] args, string error)
    {
        var result = await CliRunner.RunAsync(["dht", .. args, "--dht-nodes", SavedNodesFile]);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Contain(error));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task GetPeersWithoutAnyNodeToStartFromSaysHowToGiveOne()
    {
        var result = await CliRunner.RunAsync("dht", "get_peers", "0123456789abcdef0123456789abcdef01234567", "--dht-nodes", SavedNodesFile);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Contain("no DHT node to start from: give --dht-bootstrap host:port"));
    }

    [Test]
    public async Task PingPrintsTheNodesId()
    {
        var node = DhtNode.Start(Loopback);
        _nodes.Add(node);
        var result = await CliRunner.RunAsync("dht", "ping", node.LocalEndPoint.ToString(), "--address", "127.0.0.1");
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.StartWith($"Node ID: {node.Id}\n"));
    }

    [Test]
    public async Task PingOfASilentAddressFailsInOneLine()
    {
        using var silent = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var result = await CliRunner.RunAsync("dht", "ping", silent.Client.LocalEndPoint!.ToString()!, "--address", "127.0.0.1");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Match("did not answer ping"));
    }

    [Test]
    public async Task GetPeersPrintsHopsAndThePeerThenRejoinsFromTheSavedNodes()
    {
        var (entry, infoHash) = await SmallDhtAsync();
        var result = await CliRunner.RunAsync("dht", "get_peers", infoHash.ToString(), "--dht-bootstrap", entry.LocalEndPoint.ToString(),
            "--address", "127.0.0.1", "--dht-nodes", SavedNodesFile);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.Contain("bootstrap: ").And.Contain("hop 1  127.0.0.1:").And.Contain("peer 127.0.0.1:51413\n"));
        Assert.That(result.Output, Does.Contain("1 peers; asked "));
        Assert.That(SavedNodes.Load(SavedNodesFile)!.Nodes, Has.Count.GreaterThanOrEqualTo(3), "the nodes it met are saved on exit");

        // No --dht-bootstrap this time: the saved nodes are enough; --quiet prints only the peers; a magnet link names the info hash.
        var again = await CliRunner.RunAsync("dht", "get_peers", $"magnet:?xt=urn:btih:{infoHash}&dn=x", "--quiet", "--address", "127.0.0.1", "--dht-nodes", SavedNodesFile);
        Assert.That(again.ExitCode, Is.Zero, again.Errors);
        Assert.That(again.Output, Is.EqualTo("127.0.0.1:51413\n"));
    }

    [Test]
    public async Task GetPeersTakesATorrentFile()
    {
        var (entry, _) = await SmallDhtAsync();
        string data = Path.Combine(_dir, "data.bin");
        File.WriteAllBytes(data, new byte[1000]);
        byte[] torrent = new MeTorrent.Metainfo.TorrentBuilder(data) { PieceLength = 16384 }.Build();
        string torrentPath = Path.Combine(_dir, "data.torrent");
        File.WriteAllBytes(torrentPath, torrent);
        var infoHash = new NodeId(MeTorrent.Metainfo.Torrent.Parse(torrent).InfoHash.Bytes);
        Assert.That(await _nodes[3].AnnounceAsync(infoHash, 51414, Deadline()), Is.Positive);

        var result = await CliRunner.RunAsync("dht", "get_peers", torrentPath, "--quiet", "--dht-bootstrap", entry.LocalEndPoint.ToString(),
            "--address", "127.0.0.1", "--dht-nodes", SavedNodesFile);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Is.EqualTo("127.0.0.1:51414\n"), "the .torrent file's info hash is looked up");
    }

    [Test]
    public async Task ADamagedSavedNodesFileIsReportedAndIgnored()
    {
        var (entry, infoHash) = await SmallDhtAsync();
        File.WriteAllText(SavedNodesFile, "not bencode");
        var result = await CliRunner.RunAsync("dht", "get_peers", infoHash.ToString(), "--dht-bootstrap", entry.LocalEndPoint.ToString(),
            "--address", "127.0.0.1", "--dht-nodes", SavedNodesFile);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.StartWith("ignoring the saved DHT nodes: ").And.Contain("peer 127.0.0.1:51413"));
        Assert.That(SavedNodes.Load(SavedNodesFile), Is.Not.Null, "replaced by a good one on exit");
    }

    [TestCase("INT")]
    [TestCase("TERM")]
    public async Task NodeAnswersPrintsItsTableAndStopsOnASignalWith130(string signal)
    {
        Tools.Require("env", "coreutils");
        using var process = ProcessRunner.Start("env", ["--default-signal=INT", MeTorrentCli.Dotnet, MeTorrentCli.AssemblyPath,
            "dht", "node", "--port", "0", "--address", "127.0.0.1", "--interval", "1", "--dht-nodes", SavedNodesFile]);
        try
        {
            string first = await process.StandardOutput.ReadLineAsync(Deadline()) ?? "";
            Assert.That(first, Does.Match(@"^DHT node [0-9a-f]{40} listening on udp 127\.0\.0\.1:\d+$"));
            var endPoint = IPEndPoint.Parse(first[(first.LastIndexOf(' ') + 1)..]);

            var visitor = DhtNode.Start(Loopback);
            _nodes.Add(visitor);
            Assert.That(await visitor.PingAsync(endPoint, Deadline()), Is.EqualTo(NodeId.TryParseHex(first[9..49], out var id) ? id : default));
            string? line;
            do line = await process.StandardOutput.ReadLineAsync(Deadline());
            while (line is not null && !line.StartsWith("table: 1 nodes", StringComparison.Ordinal));
            Assert.That(line, Is.Not.Null, "the node pinged its visitor back and put it in its table");

            ProcessRunner.Run("kill", [$"-{signal}", process.Id.ToString()], TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(Deadline());
            Assert.That(process.ExitCode, Is.EqualTo(130));
            Assert.That((await process.StandardError.ReadToEndAsync()).TrimEnd(), Is.EqualTo("metorrent dht: interrupted"));
            Assert.That(SavedNodes.Load(SavedNodesFile)!.Nodes, Is.EqualTo(new[] { new NodeContact(visitor.Id, visitor.LocalEndPoint) }), "saved on exit");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
