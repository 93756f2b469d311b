using System.Net;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>The server side of the four queries, without a socket: answers, tokens, and no amplification.</summary>
[Stage(3)]
public class QueryResponderTests
{
    private static readonly IPEndPoint Asker = new(IPAddress.Loopback, 7000);
    private ManualTime _time = null!;
    private RoutingTable _table = null!;
    private PeerStore _peers = null!;
    private TokenIssuer _tokens = null!;
    private QueryResponder _responder = null!;
    private readonly NodeId _asker = NodeId.Random();
    private readonly DhtLimits _limits = new();

    [SetUp]
    public void SetUp()
    {
        _time = new ManualTime();
        _table = new RoutingTable(NodeId.Random(), _time);
        _peers = new PeerStore(_limits, _time);
        _tokens = new TokenIssuer(_time);
        _responder = new QueryResponder(_table, _peers, _tokens, _limits);
        for (int i = 0; i < 100; i++)
            _table.AddResponder(new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, 10000 + i)), out _);
    }

    /// <summary>Sends a query through the codec both ways, as the socket would, and checks the amplification bound.</summary>
    private KrpcMessage Ask(string method, BDictionary arguments, IPEndPoint? from = null, string transaction = "tx")
    {
        var datagram = KrpcCodec.Encode(KrpcMessage.Query(Encoding.Latin1.GetBytes(transaction), method, arguments));
        var answer = _responder.Answer(KrpcCodec.Decode(datagram), from ?? Asker, datagram.Length);
        Assert.That(answer, Is.Not.Null);
        int length = KrpcCodec.Encode(answer!).Length;
        Assert.That(length, Is.LessThanOrEqualTo(_limits.MaxAmplification * datagram.Length), $"{method}: {length} bytes for a {datagram.Length}-byte query");
        Assert.That(Encoding.Latin1.GetString(answer!.TransactionId.Span), Is.EqualTo(transaction));
        return answer;
    }

    [Test]
    public void PingAnswersWithOurId()
    {
        var answer = Ask("ping", DhtQueries.PingArguments(_asker));
        Assert.That(answer.Kind, Is.EqualTo(KrpcKind.Response));
        Assert.That(DhtFields.Id(answer.Body), Is.EqualTo(_table.Self));
    }

    [Test]
    public void FindNodeAnswersTheEightClosest()
    {
        var target = NodeId.Random();
        var answer = Ask("find_node", DhtQueries.FindNodeArguments(_asker, target));
        Assert.That(DhtFields.Nodes(answer.Body, out _), Is.EqualTo(_table.Closest(target, 8)));
    }

    [Test]
    public void GetPeersGivesNodesAndATokenThenAnnounceMakesItGivePeers()
    {
        var infoHash = NodeId.Random();
        var first = Ask("get_peers", DhtQueries.GetPeersArguments(_asker, infoHash));
        Assert.That(DhtFields.Nodes(first.Body, out _), Has.Count.EqualTo(8), "no peers yet: the closest nodes instead");
        Assert.That(DhtFields.Values(first.Body), Is.Empty);
        var token = DhtFields.Token(first.Body)!.Value;

        var announce = Ask("announce_peer", DhtQueries.AnnouncePeerArguments(_asker, infoHash, 6881, token, impliedPort: false));
        Assert.That(announce.Kind, Is.EqualTo(KrpcKind.Response));

        var second = Ask("get_peers", DhtQueries.GetPeersArguments(NodeId.Random(), infoHash), new IPEndPoint(IPAddress.Loopback, 7001));
        Assert.That(DhtFields.Values(second.Body), Is.EqualTo(new[] { new IPEndPoint(IPAddress.Loopback, 6881) }));
    }

    [Test]
    public void ImpliedPortUsesTheDatagramsSourcePort()
    {
        var infoHash = NodeId.Random();
        var token = DhtFields.Token(Ask("get_peers", DhtQueries.GetPeersArguments(_asker, infoHash)).Body)!.Value;
        Ask("announce_peer", DhtQueries.AnnouncePeerArguments(_asker, infoHash, 6881, token, impliedPort: true));
        Assert.That(_peers.Get(infoHash, 10), Is.EqualTo(new[] { Asker }));
    }

    [Test]
    public void AnnounceWithAWrongStolenOrExpiredTokenIsRefused()
    {
        var infoHash = NodeId.Random();
        var token = DhtFields.Token(Ask("get_peers", DhtQueries.GetPeersArguments(_asker, infoHash)).Body)!.Value;

        var wrong = Ask("announce_peer", DhtQueries.AnnouncePeerArguments(_asker, infoHash, 6881, new byte[8], false));
        Assert.That((wrong.Kind, wrong.ErrorCode), Is.EqualTo((KrpcKind.Error, KrpcErrorCode.Protocol)));

        var stolen = Ask("announce_peer", DhtQueries.AnnouncePeerArguments(_asker, infoHash, 6881, token, false), new IPEndPoint(IPAddress.Parse("127.0.0.9"), 7000));
        Assert.That(stolen.Kind, Is.EqualTo(KrpcKind.Error), "a token is good only for the address it was given to");

        _time.Advance(TimeSpan.FromMinutes(10));
        var expired = Ask("announce_peer", DhtQueries.AnnouncePeerArguments(_asker, infoHash, 6881, token, false));
        Assert.That(expired.Kind, Is.EqualTo(KrpcKind.Error));
        Assert.That(_peers.Get(infoHash, 10), Is.Empty);
    }

    [Test]
    public void InvalidArgumentsAndUnknownMethodsGetErrors()
    {
        Assert.That(Ask("ping", new BDictionary { { "id", new BString("short") } }).ErrorCode, Is.EqualTo(KrpcErrorCode.Protocol));
        Assert.That(Ask("find_node", DhtQueries.PingArguments(_asker)).ErrorCode, Is.EqualTo(KrpcErrorCode.Protocol), "no target");
        Assert.That(Ask("vote", DhtQueries.PingArguments(_asker)).ErrorCode, Is.EqualTo(KrpcErrorCode.MethodUnknown));
        var noPort = DhtQueries.AnnouncePeerArguments(_asker, NodeId.Random(), 1, new byte[8], false);
        noPort.Set(new BString("port"), new BInteger(0));
        Assert.That(Ask("announce_peer", noPort).Kind, Is.EqualTo(KrpcKind.Error));
    }

    [Test]
    public void AnswersNeverExceedFourTimesTheQueryEvenWithManyPeers()
    {
        var infoHash = NodeId.Random();
        for (int i = 0; i < 200; i++)
            _peers.Add(infoHash, new IPEndPoint(IPAddress.Loopback, 20000 + i));
        // The smallest valid get_peers a forger can send (1-byte transaction id): the answer is trimmed to fit.
        var answer = Ask("get_peers", DhtQueries.GetPeersArguments(_asker, infoHash), transaction: "x");
        int values = DhtFields.Values(answer.Body).Count;
        Assert.That(values, Is.GreaterThan(0).And.LessThan(_limits.MaxValuesPerAnswer));
        TestContext.Out.WriteLine($"a get_peers of the smallest size got {values} values");

        // The smallest valid query at all, with no arguments but "id": an error of bounded size, or silence.
        var tiny = Encoding.Latin1.GetBytes("d1:ade1:q4:ping1:t1:x1:y1:qe");
        var reply = _responder.Answer(KrpcCodec.Decode(tiny), Asker, tiny.Length);
        if (reply is not null)
            Assert.That(KrpcCodec.Encode(reply).Length, Is.LessThanOrEqualTo(4 * tiny.Length));
    }

    [Test]
    public void AQueryingNodeStaysGoodButIsNotAdded()
    {
        var known = _table.All()[0];
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.That(_table.StateOf(known.Id), Is.EqualTo(NodeState.Questionable));
        Ask("ping", DhtQueries.PingArguments(known.Id), known.EndPoint);
        Assert.That(_table.StateOf(known.Id), Is.EqualTo(NodeState.Good));

        int before = _table.Count;
        Ask("ping", DhtQueries.PingArguments(NodeId.Random()), new IPEndPoint(IPAddress.Loopback, 999));
        Assert.That(_table.Count, Is.EqualTo(before), "a query proves nothing: only answers to our queries earn a place");
    }
}
