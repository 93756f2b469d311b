using System.Net;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>
/// A DHT of many nodes in memory, no sockets: each node has a real <see cref="RoutingTable"/> filled
/// with every other node it could fit, and answers a lookup's query from it. Nodes may be dead (never
/// answer) or liars (answer with made-up ids very close to the target, at other nodes' addresses).
/// </summary>
public sealed class SimulatedNetwork
{
    public sealed class Node(NodeId id, IPEndPoint endPoint, TimeProvider time)
    {
        public NodeId Id { get; } = id;
        public IPEndPoint EndPoint { get; } = endPoint;
        public RoutingTable Table { get; } = new(id, time);
        public bool Dead { get; set; }
        public bool Liar { get; set; }
        public List<IPEndPoint> Peers { get; } = [];
        public NodeContact Contact => new(Id, EndPoint);
    }

    private readonly Dictionary<IPEndPoint, Node> _byEndPoint = [];

    public SimulatedNetwork(int size, int seed)
    {
        var random = new Random(seed);
        var time = new ManualTime();
        for (int i = 0; i < size; i++)
        {
            var bytes = new byte[NodeId.Length];
            random.NextBytes(bytes);
            // In-memory addresses only: nothing is ever sent anywhere.
            var node = new Node(new NodeId(bytes), new IPEndPoint(new IPAddress([10, 0, (byte)(i / 250), (byte)(1 + i % 250)]), 6881), time);
            Nodes.Add(node);
            _byEndPoint[node.EndPoint] = node;
        }
        foreach (var node in Nodes)
        {
            // Nearest first, as a node that has been up a while would have them: its close buckets full.
            foreach (var other in Nodes.Where(o => o != node).OrderBy(o => o.Id.DistanceTo(node.Id), NodeIdOrder.Instance).Take(40)
                         .Concat(Nodes.Where(o => o != node).OrderBy(_ => random.Next()).Take(200)))
                node.Table.AddResponder(other.Contact, out _);
        }
    }

    public List<Node> Nodes { get; } = [];

    public int QueriesAnswered { get; private set; }

    public List<Node> TrueClosest(NodeId target, int count = RoutingTable.K) =>
        Nodes.Where(n => !n.Dead).OrderBy(n => n.Id.DistanceTo(target), NodeIdOrder.Instance).Take(count).ToList();

    /// <summary>The query function a <see cref="Lookup"/> runs on: find_node or get_peers, answered from memory.</summary>
    public Task<LookupReply?> AskAsync(NodeId target, NodeContact contact, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (!_byEndPoint.TryGetValue(contact.EndPoint, out var node) || node.Dead)
            return Task.FromResult<LookupReply?>(null);
        QueriesAnswered++;
        if (node.Liar)
        {
            // Made-up ids sharing 150 bits with the target, each at a real node's address.
            var lies = Nodes.Take(8).Select(n => new NodeContact(target.RandomWithCommonPrefix(150), n.EndPoint)).ToList();
            return Task.FromResult<LookupReply?>(new LookupReply(node.Id, lies, [], null));
        }
        return Task.FromResult<LookupReply?>(new LookupReply(node.Id, node.Table.Closest(target), node.Peers, new byte[] { 1, 2, 3, 4 }));
    }
}
