using System.Net;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>KRPC messages both ways, the examples of BEP 5, and hostile datagrams that must be refused.</summary>
[Stage(3)]
public class KrpcCodecTests
{
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    [Test]
    public void EncodesTheBep5PingExampleByteForByte()
    {
        var ping = KrpcMessage.Query(Bytes("aa"), "ping", new BDictionary { { "id", new BString("abcdefghij0123456789") } });
        Assert.That(Encoding.Latin1.GetString(KrpcCodec.Encode(ping)), Is.EqualTo("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
        var pong = KrpcMessage.Response(Bytes("aa"), new BDictionary { { "id", new BString("mnopqrstuvwxyz123456") } });
        Assert.That(Encoding.Latin1.GetString(KrpcCodec.Encode(pong)), Is.EqualTo("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re"));
        var error = KrpcMessage.Error(Bytes("aa"), 201, "A Generic Error Ocurred");
        Assert.That(Encoding.Latin1.GetString(KrpcCodec.Encode(error)), Is.EqualTo("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
    }

    [Test]
    public void DecodesTheBep5Examples()
    {
        var query = KrpcCodec.Decode(Bytes("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"));
        Assert.That((query.Kind, query.Method, Encoding.Latin1.GetString(query.TransactionId.Span)), Is.EqualTo((KrpcKind.Query, "get_peers", "aa")));
        Assert.That(DhtFields.Id(query.Body, "info_hash").ToArray(), Is.EqualTo(Bytes("mnopqrstuvwxyz123456")));

        var response = KrpcCodec.Decode(Bytes("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"));
        Assert.That(response.Kind, Is.EqualTo(KrpcKind.Response));
        Assert.That(DhtFields.Values(response.Body), Has.Count.EqualTo(2));
        Assert.That(DhtFields.Token(response.Body)!.Value.ToArray(), Is.EqualTo(Bytes("aoeusnth")));

        var error = KrpcCodec.Decode(Bytes("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
        Assert.That((error.Kind, error.ErrorCode, error.ErrorText), Is.EqualTo((KrpcKind.Error, 201, "A Generic Error Ocurred")));
    }

    [TestCase("", TestName = "empty datagram")]
    [TestCase("garbage", TestName = "not bencode")]
    [TestCase("i42e", TestName = "not a dictionary")]
    [TestCase("d1:y1:qe", TestName = "no transaction id")]
    [TestCase("d1:t0:1:y1:qe", TestName = "empty transaction id")]
    [TestCase("d1:t17:aaaaaaaaaaaaaaaaa1:y1:re", TestName = "transaction id longer than 16 bytes")]
    [TestCase("d1:t2:aae", TestName = "no kind")]
    [TestCase("d1:t2:aa1:y1:xe", TestName = "unknown kind")]
    [TestCase("d1:t2:aa1:y1:qe", TestName = "query without method")]
    [TestCase("d1:q4:ping1:t2:aa1:y1:qe", TestName = "query without arguments")]
    [TestCase("d1:ali1ee1:q4:ping1:t2:aa1:y1:qe", TestName = "arguments not a dictionary")]
    [TestCase("d1:t2:aa1:y1:re", TestName = "response without values")]
    [TestCase("d1:e4:oops1:t2:aa1:y1:ee", TestName = "error not a list")]
    [TestCase("d1:t2:aa1:y1:re trailing", TestName = "trailing bytes")]
    [TestCase("d1:rd2:id20:abcdefghij0123456789e1:t2:aa1:y1:r", TestName = "truncated")]
    [TestCase("d1:rd1:xllllllllleeeeeeeeee1:t2:aa1:y1:re", TestName = "nested too deep")]
    [TestCase("d1:t2:aa1:y1:q1:q4:ping1:ad2:id99999999999:xee", TestName = "string length beyond the datagram")]
    public void RefusesHostileDatagrams(string datagram) =>
        Assert.Throws(Is.InstanceOf<FormatException>(), () => KrpcCodec.Decode(Bytes(datagram)));

    [Test]
    public void RefusesOversizedDatagramsAndTooManyValues()
    {
        var huge = new byte[KrpcCodec.MaxPacketLength + 1];
        Assert.Throws(Is.InstanceOf<FormatException>(), () => KrpcCodec.Decode(huge));
        string manyValues = "d1:rd6:valuesl" + string.Concat(Enumerable.Repeat("i1e", 500)) + "ee1:t2:aa1:y1:re";
        Assert.Throws(Is.InstanceOf<FormatException>(), () => KrpcCodec.Decode(Bytes(manyValues)));
    }

    [Test]
    public void RandomMutationsNeverThrowAnythingButFormatException()
    {
        var valid = Bytes("d1:rd2:id20:abcdefghij01234567895:nodes26:abcdefghij0123456789\x7f\0\0\x01\x1a\xe15:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re");
        var random = new Random(11);
        for (int i = 0; i < 20000; i++)
        {
            var mutated = (byte[])valid.Clone();
            for (int j = random.Next(1, 4); j > 0; j--)
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            try
            {
                var message = KrpcCodec.Decode(mutated);
                _ = DhtFields.Nodes(message.Body, out _);
                _ = DhtFields.Values(message.Body);
                _ = DhtFields.Token(message.Body);
                _ = DhtFields.Id(message.Body);
            }
            catch (FormatException)
            {
            }
        }
    }

    [Test]
    public void FieldChecksRefuseLies()
    {
        Assert.Throws<FormatException>(() => DhtFields.Id(new BDictionary { { "id", new BString("short") } }));
        Assert.Throws<FormatException>(() => DhtFields.Nodes(new BDictionary { { "nodes", new BString(new byte[25]) } }, out _));
        Assert.Throws<FormatException>(() => DhtFields.Values(new BDictionary { { "values", new BList([new BString(new byte[5])]) } }));
        Assert.Throws<FormatException>(() => DhtFields.Token(new BDictionary { { "token", new BString(new byte[33]) } }));
        Assert.Throws<FormatException>(() => DhtFields.Port(new BDictionary { { "port", new BInteger(70000) } }));
    }

    [Test]
    public void CompactNodesRoundTripAndDropImpossibleAddresses()
    {
        var good = new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, 6881));
        var packed = CompactNodes.Write([
            good,
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Loopback, 0)),
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Any, 6881)),
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Parse("239.1.1.1"), 6881)),
            new NodeContact(NodeId.Random(), new IPEndPoint(IPAddress.Broadcast, 6881)),
        ]);
        Assert.That(packed, Has.Length.EqualTo(5 * 26));
        var back = CompactNodes.Parse(packed, out int dropped);
        Assert.That(back, Is.EqualTo(new[] { good }));
        Assert.That(dropped, Is.EqualTo(4));
    }
}
