using System.Runtime.InteropServices;
using System.Text;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Extensions.Lesson;

/// <summary>Lesson 08, step 2 (08-extensions.metadata-message): ut_metadata messages (BEP 9), both ways.</summary>
[Stage(8)]
public class Step2MetadataMessageTests
{
    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Bytes that are not bencode: the data after a data message's dictionary is raw (here it even starts with 'e').</summary>
    private static byte[] RawData(int length)
    {
        var data = new byte[length];
        new Random(7).NextBytes(data);
        data[0] = (byte)'e';
        return data;
    }

    private static MetadataMessage DecodeValid(byte[] payload, string rule) =>
        LessonAssert.Valid(() => MetadataMessage.Decode(payload), rule) ?? throw new AssertionException($"{rule}\n  but Decode returned null (null is only for a msg_type BEP 9 does not define)");

    [Test]
    public void EncodesARequest()
    {
        Assert.That(Text(MetadataMessage.Request(3).Encode()), Is.EqualTo("d8:msg_typei0e5:piecei3ee"),
            "a request is {msg_type: 0, piece: i} (BEP 9), keys sorted");
    }

    [Test]
    public void EncodesAReject()
    {
        Assert.That(Text(MetadataMessage.Reject(5).Encode()), Is.EqualTo("d8:msg_typei2e5:piecei5ee"), "a reject is {msg_type: 2, piece: i}");
    }

    [Test]
    public void EncodesADataPieceWithItsBytesAfterTheDictionary()
    {
        byte[] data = RawData(3_616);
        byte[] sent = MetadataMessage.DataPiece(1, 20_000, data).Encode();
        byte[] header = Bytes("d8:msg_typei1e5:piecei1e10:total_sizei20000ee");
        Assert.That(sent[..header.Length], Is.EqualTo(header), "a data message starts with {msg_type: 1, piece: i, total_size: n}");
        Assert.That(sent[header.Length..], Is.EqualTo(data), "then the piece's bytes, appended after the dictionary (not inside it)");
    }

    [Test]
    public void DecodesARequestAndAReject()
    {
        var request = DecodeValid(Bytes("d8:msg_typei0e5:piecei2ee"), "{msg_type: 0, piece: 2} is a valid request");
        Assert.That((request.Type, request.Piece), Is.EqualTo((MetadataMessageType.Request, 2)));
        var reject = DecodeValid(Bytes("d8:msg_typei2e5:piecei4ee"), "{msg_type: 2, piece: 4} is a valid reject");
        Assert.That((reject.Type, reject.Piece), Is.EqualTo((MetadataMessageType.Reject, 4)));
    }

    [Test]
    public void DecodesADataPieceWhoseBytesAreNotBencode()
    {
        byte[] data = RawData(MetadataMessage.PieceLength);
        byte[] payload = [.. Bytes("d8:msg_typei1e5:piecei0e10:total_sizei31235ee"), .. data];
        var message = DecodeValid(payload, "a data message is a dictionary followed by raw bytes: decode only the dictionary (DecodePrefix)");
        Assert.That((message.Type, message.Piece, message.TotalSize), Is.EqualTo((MetadataMessageType.Data, 0, 31_235L)));
        Assert.That(message.Data.ToArray(), Is.EqualTo(data), "Data: every byte after the dictionary");
    }

    [Test]
    public void KeepsTheDataAsASliceOfThePayload()
    {
        byte[] payload = [.. Bytes("d8:msg_typei1e5:piecei2e10:total_sizei40000ee"), .. RawData(100)];
        var message = DecodeValid(payload, "a short last piece is valid");
        Assert.That(MemoryMarshal.TryGetArray(message.Data, out var segment) && ReferenceEquals(segment.Array, payload), Is.True,
            "Data points into the payload (a slice of it): no copy of up to 16 KiB per message");
    }

    [Test]
    public void RoundTripsADataPiece()
    {
        byte[] data = RawData(9_999);
        var back = DecodeValid(MetadataMessage.DataPiece(7, 7 * MetadataMessage.PieceLength + 9_999, data).Encode(), "what Encode writes, Decode reads");
        Assert.That((back.Type, back.Piece, back.TotalSize), Is.EqualTo((MetadataMessageType.Data, 7, 7L * MetadataMessage.PieceLength + 9_999)));
        Assert.That(back.Data.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void IgnoresAMessageTypeBep9DoesNotDefine()
    {
        var message = LessonAssert.Valid(() => MetadataMessage.Decode(Bytes("d8:msg_typei7e5:piecei0ee")),
            "BEP 9: \"an unrecognized message ID MUST be ignored\": not an error");
        Assert.That(message, Is.Null, "an unknown msg_type decodes to null, and the caller ignores it");
    }

    [TestCase("not bencode", TestName = "RefusesBytesThatAreNotBencode")]
    [TestCase("li0ei0ee", TestName = "RefusesAListInsteadOfADictionary")]
    [TestCase("d5:piecei0ee", TestName = "RefusesAMessageWithoutMsgType")]
    [TestCase("d8:msg_typei0ee", TestName = "RefusesAMessageWithoutAPiece")]
    [TestCase("d8:msg_typei0e5:piecei-1ee", TestName = "RefusesANegativePiece")]
    [TestCase("d8:msg_typei0e5:piecei131072ee", TestName = "RefusesAPieceAboveMaxPiece")]
    [TestCase("d8:msg_typei0e5:piecei0eeXYZ", TestName = "RefusesBytesAfterARequest")]
    [TestCase("d8:msg_typei2e5:piecei0eeXYZ", TestName = "RefusesBytesAfterAReject")]
    [TestCase("d8:msg_typei1e5:piecei0eeXYZ", TestName = "RefusesDataWithoutTotalSize")]
    [TestCase("d8:msg_typei1e5:piecei0e10:total_sizei0eeXYZ", TestName = "RefusesDataWithATotalSizeOfZero")]
    public void RefusesAMalformedMessage(string latin1)
    {
        Assert.That(() => MetadataMessage.Decode(Bytes(latin1)), Throws.TypeOf<PeerProtocolException>(),
            "BEP 9 does not allow this message: a PeerProtocolException (catch the BencodeException and say what is wrong), which drops the peer");
    }

    [Test]
    public void RefusesADataPieceOver16KiB()
    {
        byte[] payload = [.. Bytes("d8:msg_typei1e5:piecei0e10:total_sizei99999ee"), .. RawData(MetadataMessage.PieceLength + 1)];
        Assert.That(() => MetadataMessage.Decode(payload), Throws.TypeOf<PeerProtocolException>(),
            "metadata pieces are 16 KiB (BEP 9): more data than that is refused");
    }

    [Test]
    public void RefusesADictionaryLongerThanMaxHeaderLength()
    {
        string padding = new('x', MetadataMessage.MaxHeaderLength);
        byte[] payload = Bytes($"d8:msg_typei0e7:padding{padding.Length}:{padding}5:piecei0ee");
        Assert.That(() => MetadataMessage.Decode(payload), Throws.TypeOf<PeerProtocolException>(),
            $"the dictionary before the data is a few dozen bytes: one that does not end within MaxHeaderLength ({MetadataMessage.MaxHeaderLength}) bytes is refused");
    }
}
