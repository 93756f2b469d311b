using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>The iterative lookup (alpha = 3, K = 8) on a simulated network of 1,000 nodes in memory.</summary>
[Stage(3)]
public class LookupTests
{
    private SimulatedNetwork Network { get; set; } = null!;

    [OneTimeSetUp]
    public void BuildNetwork() => Network = new SimulatedNetwork(1000, seed: 5);

    /// <summary>A target drawn from the test's seeded random: the same lookups every run (NodeId.Random differs each time).</summary>
    private static NodeId Target(Random random)
    {
        var bytes = new byte[NodeId.Length];
        random.NextBytes(bytes);
        return new NodeId(bytes);
    }

    private static async Task<LookupResult> RunAsync(SimulatedNetwork network, NodeId target, SimulatedNetwork.Node from, List<LookupStep>? steps = null)
    {
        var lookup = new Lookup(target, (contact, ct) => network.AskAsync(target, contact, ct), new DhtLimits());
        return await lookup.RunAsync(from.Table.Closest(target), step => steps?.Add(step), CancellationToken.None);
    }

    [Test]
    public async Task ConvergesOnTheEightClosestNodes()
    {
        var random = new Random(1);
        var queried = new List<int>();
        var hops = new List<int>();
        for (int i = 0; i < 30; i++)
        {
            var target = Target(random);
            var from = Network.Nodes[random.Next(Network.Nodes.Count)];
            var result = await RunAsync(Network, target, from);
            Assert.That(result.Closest.Select(c => c.Node.Id), Is.EqualTo(Network.TrueClosest(target).Select(n => n.Id)), $"lookup {i}");
            queried.Add(result.Queried);
            hops.Add(result.Hops);
        }
        TestContext.Out.WriteLine($"queries per lookup: median {queried.Order().ElementAt(15)}, max {queried.Max()}; hops: median {hops.Order().ElementAt(15)}, max {hops.Max()}");
        Assert.That(queried.Max(), Is.LessThan(80), "a lookup asks a few dozen of the 1,000 nodes, not all of them");
    }

    [Test]
    public async Task ConvergesOnTheClosestLiveNodesWhenAFifthAreDead()
    {
        var network = new SimulatedNetwork(1000, seed: 6);
        var random = new Random(2);
        foreach (var node in network.Nodes.Where(_ => random.Next(5) == 0))
            node.Dead = true;
        var overlaps = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            var target = Target(random);
            var from = network.Nodes.First(n => !n.Dead);
            var result = await RunAsync(network, target, from);
            // Each answer names 8 nodes, dead ones among them (no node has noticed yet), so a live node
            // may be named by nobody the lookup reaches: it must still find nearly all, and the closest.
            var found = result.Closest.Select(c => c.Node.Id).ToList();
            var truth = network.TrueClosest(target).Select(n => n.Id).ToList();
            overlaps.Add(found.Intersect(truth).Count());
            Assert.That(found[0], Is.EqualTo(truth[0]));
            Assert.That(found.Intersect(truth).Count(), Is.GreaterThanOrEqualTo(6));
        }
        TestContext.Out.WriteLine($"true closest live nodes found: {string.Join(" ", overlaps)} (of 8)");
    }

    [Test]
    public async Task LiarsNamingFakeIdsAtRealAddressesDoNotDerailIt()
    {
        var network = new SimulatedNetwork(1000, seed: 7);
        var random = new Random(3);
        foreach (var node in network.Nodes.Where(_ => random.Next(10) == 0))
            node.Liar = true;
        for (int i = 0; i < 10; i++)
        {
            var target = Target(random);
            var result = await RunAsync(network, target, network.Nodes.First(n => !n.Liar));
            Assert.That(result.Closest.Select(c => c.Node.Id), Is.EqualTo(network.TrueClosest(target).Select(n => n.Id)));
            Assert.That(result.Closest.Select(c => c.Node.Id).All(id => network.Nodes.Any(n => n.Id == id)), "no made-up id among the closest");
        }
    }

    [Test]
    public async Task GetPeersReportsThePeersHeldNearTheInfoHash()
    {
        var infoHash = NodeId.Random();
        var holders = Network.TrueClosest(infoHash, 3);
        var peer = new IPEndPoint(IPAddress.Parse("10.9.9.9"), 51413);
        foreach (var holder in holders)
            holder.Peers.Add(peer);
        try
        {
            var steps = new List<LookupStep>();
            var result = await RunAsync(Network, infoHash, Network.Nodes[^1], steps);
            Assert.That(steps.Where(s => s.Reply is not null).SelectMany(s => s.Reply!.Peers).Distinct(), Is.EqualTo(new[] { peer }));
            Assert.That(result.Closest.All(c => c.Token is not null), "every closest node gave a token to announce with");
            Assert.That(steps.Select(s => s.Hop).Max(), Is.EqualTo(result.Hops));
        }
        finally
        {
            foreach (var holder in holders)
                holder.Peers.Clear();
        }
    }

    [Test]
    public async Task AnEmptyStartEndsAtOnceAndCancellationStopsIt()
    {
        var result = await new Lookup(NodeId.Random(), (_, _) => Task.FromResult<LookupReply?>(null), new DhtLimits()).RunAsync([], null, CancellationToken.None);
        Assert.That((result.Closest.Count, result.Queried), Is.EqualTo((0, 0)));

        using var cancel = new CancellationTokenSource();
        var never = new Lookup(NodeId.Random(), async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; }, new DhtLimits())
            .RunAsync(Network.Nodes.Take(5).Select(n => n.Contact), null, cancel.Token);
        cancel.Cancel();
        Assert.That(async () => await never, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void CandidatesStayBounded()
    {
        // A node that answers every query with 8 fresh made-up nodes: the lookup's memory must not grow with them.
        int asked = 0;
        var target = NodeId.Random();
        var lookup = new Lookup(target, (contact, _) =>
        {
            asked++;
            var more = Enumerable.Range(0, 8).Select(i => new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Parse("10.1.1.1"), 1 + (asked * 8 + i) % 65000))).ToList();
            return Task.FromResult<LookupReply?>(new LookupReply(contact.Id, more, [], null));
        }, new DhtLimits { MaxLookupCandidates = 64 });
        Assert.That(async () => await lookup.RunAsync([new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Parse("10.1.1.1"), 1))], null, CancellationToken.None),
            Throws.Nothing);
        Assert.That(asked, Is.LessThan(5000), "it ends: random ids stop being closer than the 8 closest answered");
    }
}
