using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>k-buckets that split around our own id, node states as BEP 5 defines them, refresh.</summary>
[Stage(3)]
public class RoutingTableTests
{
    private ManualTime _time = null!;
    private RoutingTable _table = null!;
    private NodeId _self;
    private int _port = 1000;

    [SetUp]
    public void SetUp()
    {
        _time = new ManualTime();
        _self = NodeId.Random();
        _table = new RoutingTable(_self, _time);
    }

    private NodeContact Node(int prefix) => new(_self.RandomWithCommonPrefix(prefix), new IPEndPoint(IPAddress.Loopback, _port++));

    [Test]
    public void StartsWithOneBucketAndSplitsOnlyAroundOurId()
    {
        for (int i = 0; i < RoutingTable.K; i++)
            Assert.That(_table.AddResponder(Node(0), out _), Is.EqualTo(AddOutcome.Added));
        Assert.That(_table.BucketCount, Is.EqualTo(1), "8 nodes fit the first bucket");

        // A ninth node in the far half: the bucket holds our id, so it splits — but the far half stays full.
        Assert.That(_table.AddResponder(Node(0), out var toPing), Is.EqualTo(AddOutcome.BucketFull));
        Assert.That(toPing, Is.Null, "every node is good: nobody to ping, the newcomer is dropped");
        Assert.That(_table.BucketCount, Is.EqualTo(2));

        // Nodes nearer to us go to the bucket around our id, which keeps splitting as it fills.
        for (int prefix = 1; prefix <= 20; prefix++)
            for (int i = 0; i < RoutingTable.K; i++)
                Assert.That(_table.AddResponder(Node(prefix), out _), Is.EqualTo(AddOutcome.Added));
        Assert.That(_table.Count, Is.EqualTo(21 * RoutingTable.K));
        Assert.That(_table.BucketCount, Is.EqualTo(21));

        // The far bucket still refuses: far regions never split.
        Assert.That(_table.AddResponder(Node(0), out _), Is.EqualTo(AddOutcome.BucketFull));
    }

    [Test]
    public void RefusesOurselvesAndImpossibleAddresses()
    {
        Assert.That(_table.AddResponder(new NodeContact(_self, new IPEndPoint(IPAddress.Loopback, 1)), out _), Is.EqualTo(AddOutcome.Refused));
        Assert.That(_table.AddResponder(new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Any, 1)), out _), Is.EqualTo(AddOutcome.Refused));
        Assert.That(_table.Count, Is.Zero);
    }

    [Test]
    public void AnIdAlreadyHeldByALiveNodeCannotBeTakenFromAnotherAddress()
    {
        var node = Node(3);
        _table.AddResponder(node, out _);
        var impostor = node with { EndPoint = new IPEndPoint(IPAddress.Loopback, 9) };
        Assert.That(_table.AddResponder(impostor, out _), Is.EqualTo(AddOutcome.Refused));
        Assert.That(_table.All(), Is.EqualTo(new[] { node }));
    }

    [Test]
    public void NodeStatesFollowBep5()
    {
        var node = Node(5);
        _table.AddResponder(node, out _);
        Assert.That(_table.StateOf(node.Id), Is.EqualTo(NodeState.Good), "answered just now");

        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.That(_table.StateOf(node.Id), Is.EqualTo(NodeState.Questionable), "15 minutes of silence");

        _table.RecordQueryFrom(node);
        Assert.That(_table.StateOf(node.Id), Is.EqualTo(NodeState.Good), "has answered before, and queried us just now");

        _table.RecordFailure(node);
        Assert.That(_table.StateOf(node.Id), Is.Not.EqualTo(NodeState.Bad), "one missed query is not enough");
        _table.RecordFailure(node);
        Assert.That(_table.StateOf(node.Id), Is.EqualTo(NodeState.Bad), "failed several queries in a row");
        Assert.That(_table.Closest(node.Id), Is.Empty, "bad nodes are never handed out");

        _table.AddResponder(node, out _);
        Assert.That(_table.StateOf(node.Id), Is.EqualTo(NodeState.Good), "an answer clears the failures");
    }

    [Test]
    public void AQueryAloneDoesNotPutANodeInTheTable()
    {
        _table.RecordQueryFrom(Node(2));
        Assert.That(_table.Count, Is.Zero);
    }

    [Test]
    public void AFullBucketReplacesABadNodeAndNamesAQuestionableOneToPing()
    {
        var nodes = Enumerable.Range(0, RoutingTable.K).Select(_ => Node(0)).ToList();
        foreach (var node in nodes)
            _table.AddResponder(node, out _);
        for (int i = 0; i < 16; i++)
            _table.AddResponder(Node(1 + i % 2), out _); // splits the bucket so that prefix 0 is a far, full bucket

        _time.Advance(TimeSpan.FromMinutes(20));
        _table.AddResponder(nodes[3], out _); // nodes[3] answered again: good; the others are questionable
        Assert.That(_table.AddResponder(Node(0), out var toPing), Is.EqualTo(AddOutcome.BucketFull));
        Assert.That(toPing, Is.Not.Null.And.Not.EqualTo(nodes[3]), "the least recently seen questionable node");

        _table.RecordFailure(toPing!);
        _table.RecordFailure(toPing!);
        var newcomer = Node(0);
        Assert.That(_table.AddResponder(newcomer, out _), Is.EqualTo(AddOutcome.Replaced));
        Assert.That(_table.All(), Does.Contain(newcomer).And.Not.Contain(toPing));
    }

    [Test]
    public void ClosestIsSortedByXorDistance()
    {
        for (int i = 0; i < 200; i++)
            _table.AddResponder(new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, _port++)), out _);
        var target = NodeId.Random();
        var closest = _table.Closest(target);
        var expected = _table.All().OrderBy(n => n.Id.DistanceTo(target), NodeIdOrder.Instance).Take(8);
        Assert.That(closest, Is.EqualTo(expected));
    }

    [Test]
    public void BucketsUnchangedFor15MinutesAreRefreshedOnce()
    {
        for (int prefix = 0; prefix < 3; prefix++)
            for (int i = 0; i < RoutingTable.K; i++)
                _table.AddResponder(Node(prefix), out _);
        int buckets = _table.BucketCount;
        Assert.That(_table.TakeRefreshTargets(), Is.Empty, "everything just changed");

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.That(_table.TakeRefreshTargets(), Is.Empty);
        _time.Advance(TimeSpan.FromMinutes(1));
        var targets = _table.TakeRefreshTargets();
        Assert.That(targets, Has.Count.EqualTo(buckets));
        Assert.That(targets.Select(t => _self.CommonPrefixLength(t)), Is.EqualTo(Enumerable.Range(0, buckets)), "one random id inside each bucket");
        Assert.That(_table.TakeRefreshTargets(), Is.Empty, "not again until 15 more minutes pass");

        _time.Advance(TimeSpan.FromMinutes(10));
        _table.AddResponder(_table.All().First(n => _self.CommonPrefixLength(n.Id) == 0), out _); // an answer changes bucket 0
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(_table.TakeRefreshTargets().Select(t => _self.CommonPrefixLength(t)), Does.Not.Contain(0));
    }

    [Test]
    public void StaysBoundedWhateverIsOffered()
    {
        for (int i = 0; i < 20000; i++)
            _table.AddResponder(new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, 1 + i % 65000)), out _);
        Assert.That(_table.Count, Is.LessThanOrEqualTo(_table.BucketCount * RoutingTable.K));
        Assert.That(_table.BucketCount, Is.LessThanOrEqualTo(NodeId.Bits));
    }
}
