using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Dht.Lesson.LessonDht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>
/// Lesson 10, step 4 (10-dht.lookup): the iterative lookup (alpha = 3, K = 8), run against a simulated
/// network of 1,000 nodes in memory (<see cref="LessonNetwork"/>: no sockets).
/// </summary>
[Stage(10)]
public class Step4LookupTests
{
    private const string Rule = "Step 4 (lookup): ";

    private LessonNetwork _network = null!;

    [OneTimeSetUp]
    public void BuildNetwork() => _network = new LessonNetwork(1000, seed: 40);

    [SetUp]
    public void ResetCounts() => _network.ResetCounts();

    private static Task<LookupResult> RunAsync(Lookup lookup, IEnumerable<NodeContact> start, Action<LookupStep>? onStep = null) =>
        LessonAssert.ValidAsync(() => lookup.RunAsync(start, onStep, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token),
            Rule + "a lookup in a network where every node answers ends with the 8 closest nodes");

    private Task<LookupResult> LookUpAsync(NodeId target, LessonNetwork.Node from, Action<LookupStep>? onStep = null) =>
        RunAsync(new Lookup(target, _network.Query(target), new DhtLimits()), _network.StartFrom(from, target), onStep);

    [Test]
    public async Task ConvergesOnTheEightClosestNodesOfTheNetwork()
    {
        var random = new Random(41);
        for (int i = 0; i < 20; i++)
        {
            var target = RandomId(random);
            var from = _network.Nodes[random.Next(_network.Nodes.Count)];
            var result = await LookUpAsync(target, from);
            Assert.That(result.Closest.Select(c => c.Node.Id), Is.EqualTo(_network.TrueClosest(target)),
                Rule + $"lookup {i}: it must end with the 8 nodes of the whole network closest to the target, closest first " +
                "(keep asking the closest nodes not yet asked; stop only when the 8 closest known have all answered)");
        }
    }

    [Test]
    public async Task AsksAFewDozenNodesNotTheWholeNetwork()
    {
        var random = new Random(42);
        var queried = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            var target = RandomId(random);
            var result = await LookUpAsync(target, _network.Nodes[random.Next(_network.Nodes.Count)]);
            queried.Add(result.Queried);
        }
        TestContext.Out.WriteLine($"queries per lookup: {string.Join(" ", queried)}");
        Assert.That(queried.Max(), Is.LessThanOrEqualTo(40),
            Rule + "each hop halves the distance or better, so a lookup asks a few dozen of the 1,000 nodes at most: ask only from the 8 closest candidates, and stop when they have answered");
    }

    [Test]
    public async Task AsksEachNodeAtMostOnce()
    {
        var random = new Random(43);
        for (int i = 0; i < 10; i++)
        {
            _network.ResetCounts();
            var target = RandomId(random);
            var result = await LookUpAsync(target, _network.Nodes[random.Next(_network.Nodes.Count)]);
            var twice = _network.Queries.Where(q => q.Value > 1).Select(q => q.Key).ToList();
            Assert.That(twice, Is.Empty,
                Rule + "the same node is named in many answers: it is one candidate, asked once (remember every id offered, even after its query is done)");
            Assert.That(result.Queried, Is.EqualTo(_network.Queries.Count), Rule + "Queried counts the queries sent");
        }
    }

    [Test]
    public async Task KeepsThreeQueriesInFlight()
    {
        var target = RandomId(new Random(44));
        int inFlight = 0, most = 0;
        var threeAtOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lookup = new Lookup(target, async (to, ct) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            lock (threeAtOnce)
                most = Math.Max(most, now);
            if (now >= Lookup.Alpha)
                threeAtOnce.TrySetResult();
            // The first queries wait (2 s at most) until 3 are in flight together; after that each takes 10 ms,
            // long enough for a lookup that does not hold back to start a fourth meanwhile.
            await Task.WhenAny(threeAtOnce.Task, Task.Delay(TimeSpan.FromSeconds(2), ct));
            threeAtOnce.TrySetResult();
            await Task.Delay(10, ct);
            Interlocked.Decrement(ref inFlight);
            return _network.Answer(target, to);
        }, new DhtLimits());
        var result = await RunAsync(lookup, _network.StartFrom(_network.Nodes[0], target));
        Assert.That(most, Is.EqualTo(Lookup.Alpha),
            Rule + $"BEP 5 / Kademlia: alpha = 3 queries in flight at once — not one at a time (slow), not more (a flood): {most} were in flight at once");
        Assert.That(result.Closest.Select(c => c.Node.Id), Is.EqualTo(_network.TrueClosest(target)), Rule + "and it still converges");
    }

    [Test]
    public async Task StopsOnceTheEightClosestKnownHaveAnswered()
    {
        // 20 nodes that know nobody: nothing closer is ever named, so the 8 closest of the 20 are the answer.
        var random = new Random(45);
        var target = RandomId(random);
        var loners = Enumerable.Range(0, 20).Select(i => Contact(RandomId(random), 900_000 + i)).ToList();
        var asked = new List<NodeId>();
        var lookup = new Lookup(target, (to, _) =>
        {
            lock (asked)
                asked.Add(to.Id);
            return Task.FromResult<LookupReply?>(new LookupReply(to.Id, [], [], null));
        }, new DhtLimits());
        var result = await RunAsync(lookup, loners);
        var closest8 = ByDistance(target, loners.Select(l => l.Id)).Take(RoutingTable.K).ToList();
        Assert.That(asked, Is.EquivalentTo(closest8),
            Rule + "ask only among the 8 closest candidates: when those 8 have answered and named nobody closer, the lookup is over (the 12 farther ones are never asked)");
        Assert.That(result.Closest.Select(c => c.Node.Id), Is.EqualTo(closest8), Rule + "the result is those 8, closest first");
    }

    [Test]
    public async Task AnEmptyStartEndsAtOnce()
    {
        var lookup = new Lookup(RandomId(new Random(46)), (_, _) => Task.FromResult<LookupReply?>(null), new DhtLimits());
        var result = await RunAsync(lookup, []);
        Assert.That((result.Closest.Count, result.Queried), Is.EqualTo((0, 0)), Rule + "nobody to ask: the lookup ends at once, empty");
    }

    [Test]
    public async Task SilentNodesAreLeftOutAndTheOthersStillAnswer()
    {
        var random = new Random(47);
        var target = RandomId(random);
        var silent = new HashSet<IPEndPoint>(_network.TrueClosest(target, 3).Select(id => _network.Nodes.First(n => n.Id == id).Contact.EndPoint));
        var lookup = new Lookup(target, (to, _) => Task.FromResult(silent.Contains(to.EndPoint) ? null : _network.Answer(target, to)), new DhtLimits());
        var result = await RunAsync(lookup, _network.StartFrom(_network.Nodes[1], target));
        var found = result.Closest.Select(c => c.Node.Id).ToList();
        var truth = _network.TrueClosest(target, 11);
        Assert.That(found.Intersect(truth.Take(3)), Is.Empty, Rule + "the 3 closest nodes never answer: none of them is in the result, which holds nodes that answered");
        Assert.That(found, Has.Count.EqualTo(RoutingTable.K), Rule + "the lookup goes on past the silent ones until 8 nodes have answered");
        Assert.That(found[0], Is.EqualTo(truth[3]), Rule + "the closest node that answered comes first: the 4th closest of the network");
        Assert.That(found.Intersect(truth.Skip(3)).Count(), Is.GreaterThanOrEqualTo(6),
            Rule + "nearly all of the next 8 closest are found (a live node named only next to silent ones may be missed)");
    }

    [Test]
    public async Task FindsThePeersHeldNearTheInfoHash()
    {
        var random = new Random(48);
        var infoHash = RandomId(random);
        var holders = _network.TrueClosest(infoHash, 3).Select(id => _network.Nodes.First(n => n.Id == id)).ToList();
        var peer = new IPEndPoint(IPAddress.Parse("10.9.9.9"), 51413);
        foreach (var holder in holders)
            holder.Peers.Add(peer);
        try
        {
            var steps = new List<LookupStep>();
            var result = await LookUpAsync(infoHash, _network.Nodes[^1], steps.Add);
            Assert.That(steps.Where(s => s.Answered).SelectMany(s => s.Reply!.Peers).Distinct(), Is.EqualTo(new[] { peer }),
                Rule + "get_peers: the nodes closest to the info hash hold its peers, and the lookup reaches them");
            Assert.That(result.Closest.All(c => c.Token is not null), Rule + "every closest node gave a token (for announce_peer)");
            Assert.That(result.Hops, Is.GreaterThanOrEqualTo(1), Rule + "the hops are counted from the starting nodes");
        }
        finally
        {
            foreach (var holder in holders)
                holder.Peers.Clear();
        }
    }
}
