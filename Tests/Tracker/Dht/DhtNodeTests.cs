using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>Our nodes over real UDP on 127.0.0.1: a small DHT in-process, and hand-written hostile peers.</summary>
[Stage(3)]
public class DhtNodeTests
{
    private static readonly DhtNodeOptions Fast = new()
    {
        Address = IPAddress.Loopback,
        QueryTimeout = TimeSpan.FromMilliseconds(300),
        QueryAttempts = 2,
    };

    private readonly List<DhtNode> _nodes = [];

    [TearDown]
    public async Task StopNodes()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _nodes.Clear();
    }

    private DhtNode Start(DhtNodeOptions? options = null)
    {
        var node = DhtNode.Start(options ?? Fast);
        _nodes.Add(node);
        return node;
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Test]
    public async Task PingAnswersWithTheNodesIdAndBothSidesLearnEachOther()
    {
        var a = Start();
        var b = Start();
        Assert.That(await a.PingAsync(b.LocalEndPoint, Deadline()), Is.EqualTo(b.Id));
        Assert.That(a.KnownNodes, Is.EqualTo(new[] { new NodeContact(b.Id, b.LocalEndPoint) }), "an answer earns a place");
        // A query alone does not: b pings a back, and a's answer puts it in b's table.
        for (int i = 0; i < 100 && b.TableSize == 0; i++)
            await Task.Delay(20);
        Assert.That(b.KnownNodes, Is.EqualTo(new[] { new NodeContact(a.Id, a.LocalEndPoint) }));
    }

    [Test]
    public async Task AGetPeersAfterAnAnnounceFindsTheAnnouncer()
    {
        var first = Start();
        var nodes = Enumerable.Range(0, 11).Select(_ => Start()).ToList();
        foreach (var node in nodes)
            await node.BootstrapAsync([first.LocalEndPoint], Deadline());
        // The first to join knew only `first`, then nobody else yet: a second lookup of its own id (what
        // the bucket refresh does later) lets everyone meet.
        foreach (var node in nodes)
            await node.FindNodeAsync(node.Id, null, Deadline());
        TestContext.Out.WriteLine($"tables: first {first.TableSize}, others {string.Join(" ", nodes.Select(n => n.TableSize))}; {first.Statistics}");
        Assert.That(nodes.Min(n => n.TableSize), Is.GreaterThanOrEqualTo(3), "every node knows several others");

        var infoHash = NodeId.Random();
        int accepted = await nodes[3].AnnounceAsync(infoHash, 51413, Deadline());
        Assert.That(accepted, Is.GreaterThanOrEqualTo(3), "the closest nodes took the announce");

        var found = new List<IPEndPoint>();
        await foreach (var peer in nodes[9].GetPeersAsync(infoHash, Deadline()))
            found.Add(peer);
        Assert.That(found, Is.EqualTo(new[] { new IPEndPoint(IPAddress.Loopback, 51413) }));
    }

    [Test]
    public async Task ImpliedPortAnnouncesTheUdpPort()
    {
        var a = Start();
        var b = Start();
        await b.BootstrapAsync([a.LocalEndPoint], Deadline());
        var infoHash = NodeId.Random();
        Assert.That(await b.AnnounceAsync(infoHash, 1, Deadline(), impliedPort: true), Is.EqualTo(1));
        var c = Start();
        await c.BootstrapAsync([a.LocalEndPoint], Deadline());
        var found = new List<IPEndPoint>();
        await c.FindPeersAsync(infoHash, found.Add, null, Deadline());
        Assert.That(found, Is.EqualTo(new[] { b.LocalEndPoint }));
    }

    [Test]
    public async Task HostileDatagramsAreDroppedAndCountedAndTheNodeKeepsAnswering()
    {
        var node = Start();
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string[] hostile =
        [
            "", "garbage", "i1e", "d1:t2:aa1:y1:qe", "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe",
            "d1:rd2:id20:abcdefghij0123456789e1:t2:zz1:y1:re", // an answer to nothing
            new string('l', 3000),
        ];
        foreach (var datagram in hostile)
            await attacker.SendToAsync(Encoding.Latin1.GetBytes(datagram), node.LocalEndPoint);

        var probe = Start();
        Assert.That(await probe.PingAsync(node.LocalEndPoint, Deadline()), Is.EqualTo(node.Id));
        Assert.That(node.Statistics.Malformed, Is.EqualTo(5), node.Statistics.ToString());
        Assert.That(node.Statistics.Unmatched, Is.EqualTo(1));
        Assert.That(node.Statistics.QueriesAnswered, Is.GreaterThanOrEqualTo(2), "the invalid ping got a protocol error, the real one an answer");
    }

    [Test]
    public async Task AnAnswerWithTheWrongTransactionIdOrFromTheWrongAddressIsIgnored()
    {
        var node = Start();
        using var fake = new FakeNode();
        var ping = node.PingAsync(fake.EndPoint, Deadline());
        var (query, from) = await fake.ReceiveAsync();
        var wrongId = KrpcMessage.Response(Encoding.Latin1.GetBytes("zz"), DhtQueries.PingArguments(NodeId.Random()));
        await fake.SendAsync(wrongId, from);
        using (var other = new FakeNode())
            await other.SendAsync(KrpcMessage.Response(query.TransactionId, DhtQueries.PingArguments(NodeId.Random())), from);
        var realId = NodeId.Random();
        await Task.Delay(100);
        await fake.SendAsync(KrpcMessage.Response(query.TransactionId, DhtQueries.PingArguments(realId)), from);
        Assert.That(await ping, Is.EqualTo(realId));
        Assert.That(node.Statistics.Unmatched, Is.EqualTo(2));
    }

    [Test]
    public async Task ASilentNodeIsAskedAgainThenGivenUp()
    {
        var node = Start();
        using var silent = new FakeNode();
        var ping = node.PingAsync(silent.EndPoint, Deadline());
        var (first, _) = await silent.ReceiveAsync();
        var (second, _) = await silent.ReceiveAsync();
        Assert.That(second.TransactionId.ToArray(), Is.EqualTo(first.TransactionId.ToArray()), "a retransmission keeps its transaction id");
        Assert.That(async () => await ping, Throws.InstanceOf<DhtQueryException>());
        Assert.That(node.Statistics.Timeouts, Is.EqualTo(1));
    }

    [Test]
    public async Task PendingQueriesAreBounded()
    {
        var options = Fast with { QueryTimeout = TimeSpan.FromSeconds(5), QueryAttempts = 1, Limits = new DhtLimits { MaxPendingQueries = 2 } };
        await using var socket = new KrpcSocket(new IPEndPoint(IPAddress.Loopback, 0), options, (_, _, _) => null);
        using var silent = new FakeNode();
        using var stop = new CancellationTokenSource();
        var queries = Enumerable.Range(0, 5)
            .Select(_ => socket.QueryAsync(silent.EndPoint, "ping", DhtQueries.PingArguments(NodeId.Random()), stop.Token))
            .ToList();
        await silent.ReceiveAsync();
        await silent.ReceiveAsync();
        await Task.Delay(200);
        Assert.That(socket.PendingCount, Is.EqualTo(2));
        Assert.That(silent.Waiting, Is.Zero, "the other three wait for a slot without sending");
        stop.Cancel();
        foreach (var query in queries)
            Assert.That(async () => await query, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ANodeThatAnswersWithAnotherIdOrImpossibleNodesLosesOurTrust()
    {
        var node = Start();
        using var liar = new FakeNode();
        var liarId = NodeId.Random();
        // It answers the bootstrap ping honestly, and joins the table...
        var bootstrap = node.BootstrapAsync([liar.EndPoint], Deadline());
        var (ping, from) = await liar.ReceiveAsync();
        await liar.SendAsync(KrpcMessage.Response(ping.TransactionId, DhtQueries.PingArguments(liarId)), from);
        // ...then answers the find_node with a node at 0.0.0.0 and one at a multicast address.
        var (findNode, _) = await liar.ReceiveAsync();
        Assert.That(findNode.Method, Is.EqualTo("find_node"));
        var lies = DhtQueries.PingArguments(liarId);
        lies.Add("nodes", new BString(CompactNodes.Write([
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Any, 1)),
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Parse("224.0.0.1"), 1)),
        ])));
        await liar.SendAsync(KrpcMessage.Response(findNode.TransactionId, lies), from);
        await bootstrap;
        Assert.That(node.TableSize, Is.Zero, "out of the table");
        Assert.That(node.Statistics.Liars, Is.EqualTo(1));
    }

    [Test]
    public async Task SavedNodesRoundTripAndADamagedFileIsRefused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"metorrent-dht-{Guid.NewGuid():N}", "dht-nodes");
        try
        {
            Assert.That(SavedNodes.Load(path), Is.Null, "no file yet");
            var id = NodeId.Random();
            var nodes = Enumerable.Range(1, 300).Select(i => new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, i))).ToList();
            SavedNodes.Save(path, id, nodes);
            var loaded = SavedNodes.Load(path)!;
            Assert.That(loaded.Id, Is.EqualTo(id));
            Assert.That(loaded.Nodes, Is.EqualTo(nodes.Take(SavedNodes.MaxNodes)));

            File.WriteAllText(path, "d2:id3:abce");
            Assert.Throws(Is.InstanceOf<FormatException>(), () => SavedNodes.Load(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>A UDP socket on 127.0.0.1 that the test drives by hand: it answers (or not) as the test says.</summary>
    private sealed class FakeNode : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        public FakeNode() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public int Waiting => _socket.Available;

        public async Task<(KrpcMessage Message, IPEndPoint From)> ReceiveAsync()
        {
            var buffer = new byte[4096];
            var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), Deadline());
            return (KrpcCodec.Decode(buffer.AsMemory(0, received.ReceivedBytes)), (IPEndPoint)received.RemoteEndPoint);
        }

        public async Task SendAsync(KrpcMessage message, IPEndPoint to) => await _socket.SendToAsync(KrpcCodec.Encode(message), to);

        public void Dispose() => _socket.Dispose();
    }
}
