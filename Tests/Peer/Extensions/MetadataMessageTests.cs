using System.Text;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer.Extensions;

[Stage(4)]
public class MetadataMessageTests
{
    [Test]
    public void RequestAndRejectAreTheBep9Dictionaries()
    {
        Assert.That(Encoding.ASCII.GetString(MetadataMessage.Request(0).Encode()), Is.EqualTo("d8:msg_typei0e5:piecei0ee"));
        Assert.That(Encoding.ASCII.GetString(MetadataMessage.Reject(2).Encode()), Is.EqualTo("d8:msg_typei2e5:piecei2ee"));
    }

    [Test]
    public void DataCarriesThePieceAfterTheDictionary()
    {
        byte[] piece = Enumerable.Range(0, MetadataMessage.PieceLength).Select(i => (byte)i).ToArray();
        byte[] bytes = MetadataMessage.DataPiece(1, 40_000, piece).Encode();
        Assert.That(Encoding.ASCII.GetString(bytes, 0, 45), Is.EqualTo("d8:msg_typei1e5:piecei1e10:total_sizei40000ee"));
        var back = MetadataMessage.Decode(bytes)!;
        Assert.That(back.Type, Is.EqualTo(MetadataMessageType.Data));
        Assert.That(back.Piece, Is.EqualTo(1));
        Assert.That(back.TotalSize, Is.EqualTo(40_000));
        Assert.That(back.Data.ToArray(), Is.EqualTo(piece));
    }

    [Test]
    public void UnknownTypesAreIgnored() =>
        Assert.That(MetadataMessage.Decode("d8:msg_typei7e5:piecei0ee"u8.ToArray()), Is.Null);

    [TestCase("d8:msg_typei0e5:piecei0eexyz", "followed by 3 bytes")]
    [TestCase("d5:piecei0ee", "without msg_type")]
    [TestCase("d8:msg_typei0ee", "piece index")]
    [TestCase("d8:msg_typei0e5:piecei-1ee", "piece index")]
    [TestCase("d8:msg_typei0e5:piecei99999999999ee", "piece index")]
    [TestCase("d8:msg_typei1e5:piecei0eeabc", "total_size")]
    [TestCase("d8:msg_typei1e5:piecei0e10:total_sizei0eeabc", "total_size")]
    [TestCase("le", "does not start with a dictionary")]
    [TestCase("d8:msg_type", "short bencoded dictionary")]
    public void MalformedMessagesAreRefused(string text, string expected) =>
        Assert.That(() => MetadataMessage.Decode(Encoding.ASCII.GetBytes(text)),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains(expected));

    [Test]
    public void OversizedPiecesAreRefused()
    {
        byte[] bytes = [.. "d8:msg_typei1e5:piecei0e10:total_sizei99999ee"u8, .. new byte[MetadataMessage.PieceLength + 1]];
        Assert.That(() => MetadataMessage.Decode(bytes), Throws.TypeOf<PeerProtocolException>().With.Message.Contains("at most 16384"));
    }

    [Test]
    public void AHugeHeaderIsRefusedWithoutReadingIt()
    {
        byte[] bytes = [.. "d8:msg_typei1e5:piecei0e3:pad5000:"u8, .. new byte[5000], (byte)'e'];
        Assert.That(() => MetadataMessage.Decode(bytes), Throws.TypeOf<PeerProtocolException>());
    }
}
