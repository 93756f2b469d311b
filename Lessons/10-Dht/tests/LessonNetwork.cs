using System.Net;
using MeTorrent.Tracker.Dht;
using static MeTorrent.Tests.Tracker.Dht.Lesson.LessonDht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>
/// A DHT of many nodes in memory, no sockets: each node knows its 20 nearest nodes and 40 others at random
/// (as a node that has been up a while would), and answers a query with the 8 it knows closest to the
/// target. Built and answered with the tests' own XOR metric, not the student's code, so a lookup test
/// fails only for the lookup. Counts every query, per node.
/// </summary>
internal sealed class LessonNetwork
{
    public sealed class Node(NodeId id, NodeContact contact)
    {
        public NodeId Id { get; } = id;
        public NodeContact Contact { get; } = contact;
        public byte[] Bytes { get; } = id.ToArray();
        public List<Node> Known { get; } = [];
        public List<IPEndPoint> Peers { get; } = [];
    }

    private readonly Dictionary<IPEndPoint, Node> _byEndPoint = [];
    private readonly Dictionary<IPEndPoint, int> _queries = [];
    private readonly Lock _lock = new();

    public LessonNetwork(int size, int seed, int nearest = 20, int random = 40)
    {
        var rng = new Random(seed);
        for (int i = 0; i < size; i++)
        {
            var id = RandomId(rng);
            var node = new Node(id, Contact(id, i));
            Nodes.Add(node);
            _byEndPoint[node.Contact.EndPoint] = node;
        }
        foreach (var node in Nodes)
        {
            var others = Nodes.Where(o => o != node).ToList();
            others.Sort((a, b) => CompareDistance(node.Bytes, a.Bytes, b.Bytes));
            node.Known.AddRange(others.Take(nearest));
            node.Known.AddRange(others.Skip(nearest).OrderBy(_ => rng.Next()).Take(random));
        }
    }

    public List<Node> Nodes { get; } = [];

    /// <summary>The <paramref name="count"/> nodes of the whole network closest to <paramref name="target"/>, closest first.</summary>
    public List<NodeId> TrueClosest(NodeId target, int count = RoutingTable.K) =>
        ClosestOf(Nodes, target.ToArray(), count).Select(n => n.Id).ToList();

    /// <summary>Where a lookup from <paramref name="from"/> starts: the 8 nodes it knows closest to the target (its routing table's answer).</summary>
    public List<NodeContact> StartFrom(Node from, NodeId target) =>
        ClosestOf(from.Known, target.ToArray(), RoutingTable.K).Select(n => n.Contact).ToList();

    /// <summary>How many queries each node received since the last <see cref="ResetCounts"/>.</summary>
    public IReadOnlyDictionary<IPEndPoint, int> Queries
    {
        get { lock (_lock) return new Dictionary<IPEndPoint, int>(_queries); }
    }

    public void ResetCounts()
    {
        lock (_lock)
            _queries.Clear();
    }

    /// <summary>One find_node (or get_peers) to one node, answered from memory: null for an address nobody is at.</summary>
    public LookupReply? Answer(NodeId target, NodeContact to)
    {
        if (!_byEndPoint.TryGetValue(to.EndPoint, out var node))
            return null;
        lock (_lock)
            _queries[to.EndPoint] = _queries.GetValueOrDefault(to.EndPoint) + 1;
        var nodes = ClosestOf(node.Known, target.ToArray(), RoutingTable.K).Select(n => n.Contact).ToList();
        return new LookupReply(node.Id, nodes, node.Peers.ToList(), new byte[] { 1, 2, 3, 4 });
    }

    /// <summary>The query function of a <see cref="Lookup"/> for <paramref name="target"/>.</summary>
    public Func<NodeContact, CancellationToken, Task<LookupReply?>> Query(NodeId target) =>
        (to, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(Answer(target, to));
        };

    private static List<Node> ClosestOf(List<Node> nodes, byte[] target, int count)
    {
        var sorted = nodes.ToList();
        sorted.Sort((a, b) => CompareDistance(target, a.Bytes, b.Bytes));
        return sorted.Take(count).ToList();
    }
}
