using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Dht.Lesson.LessonDht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>Lesson 10, step 3 (10-dht.buckets): k-buckets of 8 that split around our own id, and what a full bucket does.</summary>
[Stage(10)]
public class Step3BucketTests
{
    private const string Rule = "Step 3 (buckets): ";

    private LessonClock _clock = null!;
    private NodeId _self;
    private RoutingTable _table = null!;
    private Random _random = null!;
    private int _number;

    [SetUp]
    public void SetUp()
    {
        _clock = new LessonClock();
        _random = new Random(30);
        _self = RandomId(_random);
        _table = new RoutingTable(_self, _clock);
        _number = 0;
    }

    /// <summary>A node that belongs in bucket <paramref name="prefix"/>: it shares exactly that many leading bits with us.</summary>
    private NodeContact Node(int prefix) => Contact(WithPrefix(_self, prefix, _random), ++_number);

    private AddOutcome Add(NodeContact node, string rule) => Add(node, rule, out _);

    private AddOutcome Add(NodeContact node, string rule, out NodeContact? toPing)
    {
        NodeContact? ping = null;
        var outcome = LessonAssert.Valid(() => _table.AddResponder(node, out ping), Rule + rule);
        toPing = ping;
        return outcome;
    }

    /// <summary>8 far nodes (bucket 0), then one nearer node: the only bucket splits, and bucket 0 is a full far bucket.</summary>
    private List<NodeContact> FillTheFarBucket()
    {
        var far = Enumerable.Range(0, RoutingTable.K).Select(_ => Node(0)).ToList();
        foreach (var node in far)
            Add(node, "8 nodes fit in the first bucket");
        Add(Node(1), "a node nearer to us goes in once the bucket around our id splits");
        return far;
    }

    [Test]
    public void ABucketHoldsEightNodes()
    {
        for (int i = 0; i < RoutingTable.K; i++)
            Assert.That(Add(Node(0), "8 nodes fit in the first bucket"), Is.EqualTo(AddOutcome.Added),
                Rule + $"node {i + 1} of 8 fits in the first bucket (K = 8)");
        Assert.That(_table.BucketCount, Is.EqualTo(1), Rule + "8 nodes fit in the one bucket the table starts with: no split yet");
        for (int i = 0; i < 10; i++)
            Add(Node(0), "a ninth node in the far half");
        Assert.That(_table.Count, Is.EqualTo(RoutingTable.K),
            Rule + "BEP 5: \"each bucket can only hold K nodes, currently eight\": 18 nodes in the far half of the id space, 8 kept");
    }

    [Test]
    public void TheBucketAroundOurIdSplitsWhenFull()
    {
        FillTheFarBucket();
        Assert.That(_table.BucketCount, Is.EqualTo(2),
            Rule + "the first bucket (the whole id space, ours included) was full: it splits in two, the far half (bucket 0) and the half around our id (bucket 1)");
        Assert.That(_table.Count, Is.EqualTo(RoutingTable.K + 1), Rule + "the 8 far nodes stay and the nearer newcomer is added");
    }

    [Test]
    public void NodesNearOurIdKeepSplittingTheBucketAroundIt()
    {
        for (int prefix = 0; prefix <= 20; prefix++)
            for (int i = 0; i < RoutingTable.K; i++)
                Assert.That(Add(Node(prefix), "nodes ever nearer to our id"), Is.EqualTo(AddOutcome.Added),
                    Rule + $"a node sharing {prefix} bits with us must be added: the bucket around our id splits as often as it takes");
        Assert.That(_table.Count, Is.EqualTo(21 * RoutingTable.K), Rule + "8 nodes in each of the buckets 0 to 20");
        Assert.That(_table.BucketCount, Is.EqualTo(21), Rule + "the table keeps detail near our id: 21 buckets for nodes sharing 0, 1, …, 20 bits with us");
    }

    [Test]
    public void AFullBucketFarFromOurIdNeverSplits()
    {
        FillTheFarBucket();
        for (int i = 0; i < 5; i++)
            Assert.That(Add(Node(0), "a node for the full far bucket"), Is.Not.EqualTo(AddOutcome.Added),
                Rule + "bucket 0 is full and does not hold our id: the newcomer does not fit");
        Assert.That(_table.BucketCount, Is.EqualTo(2),
            Rule + "BEP 5: only the bucket whose range includes our own id splits; splitting for a far node would only make empty buckets near us");
        Assert.That(_table.Count, Is.EqualTo(RoutingTable.K + 1), Rule + "the far bucket keeps its 8 nodes");
    }

    [Test]
    public void EachNodeLivesInTheBucketOfItsSharedPrefix()
    {
        // 8 nodes for each of the buckets 0 to 6, offered in a random order: each split must move the closer nodes.
        var added = Enumerable.Range(0, 7 * RoutingTable.K).Select(i => Node(i / RoutingTable.K)).OrderBy(_ => _random.Next()).ToList();
        foreach (var node in added)
            Assert.That(Add(node, "nodes for buckets 0 to 6, in a random order"), Is.EqualTo(AddOutcome.Added),
                Rule + "8 nodes for each of the buckets 0 to 6 all fit, whatever their order");
        foreach (var node in added)
            Assert.That(LessonAssert.Valid(() => _table.StateOf(node.Id), Rule + "looking a node up finds its bucket"), Is.EqualTo(NodeState.Good),
                Rule + $"a node sharing {_self.CommonPrefixLength(node.Id)} bits with us is found in that bucket after the splits (a split moves the closer nodes to the new bucket)");
        var target = RandomId(_random);
        Assert.That(_table.Closest(target).Select(c => c.Id), Is.EqualTo(ByDistance(target, added.Select(n => n.Id)).Take(RoutingTable.K)),
            Rule + "every node added is in the table: its 8 closest to a target are the true 8 closest");
    }

    [Test]
    public void TheBucketAroundOurIdSplitsAsOftenAsItTakes()
    {
        for (int i = 0; i < RoutingTable.K; i++)
            Add(Node(3), "8 nodes sharing 3 bits with us, in the one bucket");
        var nearer = Node(5);
        Assert.That(Add(nearer, "a node sharing 5 bits with us, when the bucket around our id is full of nodes sharing 3"), Is.EqualTo(AddOutcome.Added),
            Rule + "one split leaves all 8 nodes in the new bucket around our id, still full: split again (and again) until the newcomer's bucket has room");
        Assert.That(_table.BucketCount, Is.EqualTo(5), Rule + "buckets 0, 1, 2 (empty), 3 (the 8 nodes) and 4 (the newcomer and anything closer)");
        Assert.That(_table.StateOf(nearer.Id), Is.EqualTo(NodeState.Good), Rule + "and the newcomer is found there");
    }

    [Test]
    public void ANodeNearerThanTheLastBucketGoesInTheLastBucket()
    {
        var near = Node(100);
        Assert.That(Add(near, "a node sharing 100 bits with us, in a table of one bucket"), Is.EqualTo(AddOutcome.Added),
            Rule + "the last bucket holds every node closer to us than its index");
        Assert.That(_table.StateOf(near.Id), Is.EqualTo(NodeState.Good), Rule + "and it is found there");
    }

    [Test]
    public void GoodNodesAreNeverReplaced()
    {
        var far = FillTheFarBucket();
        var newcomer = Node(0);
        Assert.That(Add(newcomer, "a newcomer for a full bucket of good nodes", out var toPing), Is.EqualTo(AddOutcome.BucketFull),
            Rule + "a full bucket of good nodes has no room");
        Assert.That(toPing, Is.Null, Rule + "BEP 5: \"when the bucket is full of good nodes, the new node is simply discarded\": nobody to ping");
        Assert.That(_table.All(), Is.SupersetOf(far).And.Not.Contains(newcomer), Rule + "the good nodes stay, the newcomer is dropped");
    }

    [Test]
    public void ABadNodeMakesWayForTheNewcomer()
    {
        var far = FillTheFarBucket();
        _table.RecordFailure(far[5]);
        _table.RecordFailure(far[5]);
        var newcomer = Node(0);
        Assert.That(Add(newcomer, "a newcomer for a full bucket with a bad node"), Is.EqualTo(AddOutcome.Replaced),
            Rule + "BEP 5: \"if there are any bad nodes in the bucket, one is replaced with the new node\"");
        Assert.That(_table.All(), Does.Contain(newcomer).And.Not.Contains(far[5]), Rule + "the bad node is gone, the newcomer took its place");
        Assert.That(_table.Count, Is.EqualTo(RoutingTable.K + 1), Rule + "still 8 nodes in the far bucket");
    }

    [Test]
    public void TheLeastRecentlySeenQuestionableNodeIsPingedNotDropped()
    {
        var far = new List<NodeContact>();
        for (int i = 0; i < RoutingTable.K; i++)
        {
            var node = Node(0);
            Add(node, "8 far nodes, a minute apart");
            far.Add(node);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        Add(Node(1), "a nearer node splits the bucket");
        _clock.Advance(TimeSpan.FromMinutes(30));
        _table.RecordQueryFrom(far[0]); // the oldest queried us just now: good again

        var newcomer = Node(0);
        Assert.That(Add(newcomer, "a newcomer for a full bucket of questionable nodes", out var toPing), Is.EqualTo(AddOutcome.BucketFull),
            Rule + "questionable nodes are not replaced at once: the newcomer waits");
        Assert.That(toPing, Is.EqualTo(far[1]),
            Rule + "BEP 5: the questionable node seen least recently is pinged first (far[0] is good again; far[1] answered longest ago)");
        Assert.That(_table.All(), Is.SupersetOf(far).And.Not.Contains(newcomer),
            Rule + "until the ping fails, every questionable node stays and the newcomer is not added");
    }
}
