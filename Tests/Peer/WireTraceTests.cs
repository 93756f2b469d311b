using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer;

/// <summary>--trace's dissector: each message as one line, its fields named as the BEPs name them.</summary>
[Stage(4)]
public class WireTraceTests
{
    private static string In(byte[] frame, ExtensionHandshake? remote = null) => WireTrace.Describe(remote, outgoing: false, handshake: false, frame);

    private static byte[] Frame(Func<Span<byte>, int> write)
    {
        var buffer = new byte[64 * 1024];
        int length = write(buffer);
        return buffer[4..length];   // without the length prefix, as the connection hands frames over
    }

    [Test]
    public void EveryBep3MessageIsNamedWithItsFields()
    {
        Assert.That(In([]), Is.EqualTo("keep-alive"));
        Assert.That(In(Frame(b => MessageWriter.Simple(b, MessageId.Unchoke))), Is.EqualTo("unchoke"));
        Assert.That(In(Frame(b => MessageWriter.Simple(b, MessageId.NotInterested))), Is.EqualTo("not interested"));
        Assert.That(In(Frame(b => MessageWriter.WithIndex(b, MessageId.Have, 7))), Is.EqualTo("have index=7"));
        Assert.That(In(Frame(b => MessageWriter.WithBlock(b, MessageId.Request, new BlockRequest(3, 16384, 16384)))),
            Is.EqualTo("request index=3 begin=16384 length=16384"));
        Assert.That(In(Frame(b => MessageWriter.WithBlock(b, MessageId.Cancel, new BlockRequest(3, 0, 100)))),
            Is.EqualTo("cancel index=3 begin=0 length=100"));
        Assert.That(In(Frame(b => MessageWriter.PieceHeader(b, 3, 16384, 16384) + 16384)), Is.EqualTo("piece index=3 begin=16384 block=16384 bytes"));
        Assert.That(In(Frame(b => MessageWriter.Bitfield(b, [0xF0, 0x01]))), Is.EqualTo("bitfield 5 of 16 bits set"));
        Assert.That(In(Frame(b => MessageWriter.Port(b, 6881))), Is.EqualTo("port listen-port=6881"));
        Assert.That(In(Frame(b => MessageWriter.Simple(b, MessageId.HaveAll))), Is.EqualTo("have all"));
        Assert.That(In(Frame(b => MessageWriter.WithBlock(b, MessageId.Reject, new BlockRequest(1, 0, 16384)))),
            Is.EqualTo("reject index=1 begin=0 length=16384"));
        Assert.That(In([99, 1, 2]), Is.EqualTo("unknown id=99 (2 bytes)"));
    }

    [Test]
    public void AHandshakeShowsItsFields()
    {
        var bytes = new byte[68];
        HandshakeCodec.Write(bytes, InfoHash.FromHex(new string('a', 40)), new PeerId("-MT0100-abcdefghijkl"u8), PeerFeatures.Extensions | PeerFeatures.Fast);
        string line = WireTrace.Describe(null, outgoing: true, handshake: true, bytes);
        Assert.That(line, Does.StartWith("handshake pstr=\"BitTorrent protocol\" reserved=0000000000100004"));
        Assert.That(line, Does.EndWith($"info_hash={new string('a', 40)} peer_id=-MT0100-abcdefghijkl"));
    }

    [Test]
    public void ExtendedMessagesAreNamedByTheIdsEachSideChose()
    {
        var ours = ExtensionHandshake.Ours(31235, 6881, IPAddress.Loopback);
        string handshake = In(Frame(b => MessageWriter.Extended(b, ExtensionNames.HandshakeId, ours.Encode())));
        Assert.That(handshake, Does.StartWith("extended handshake m={ut_metadata:1, ut_pex:2} metadata_size=31235 p=6881"));

        // Incoming messages use the ids we gave; outgoing ones the ids the peer gave (BEP 10).
        var request = MetadataMessage.Request(2).Encode();
        Assert.That(In(Frame(b => MessageWriter.Extended(b, ExtensionNames.UtMetadataId, request))),
            Is.EqualTo("extended ut_metadata msg_type=request piece=2"));
        var theirs = new ExtensionHandshake { Ids = new Dictionary<string, byte> { ["ut_metadata"] = 7 } };
        Assert.That(WireTrace.Describe(theirs, outgoing: true, handshake: false, Frame(b => MessageWriter.Extended(b, 7, request))),
            Is.EqualTo("extended ut_metadata msg_type=request piece=2"));
        Assert.That(WireTrace.Describe(theirs, outgoing: true, handshake: false, Frame(b => MessageWriter.Extended(b, 9, [1]))),
            Is.EqualTo("extended id=9 (unknown, 1 bytes)"));
    }

    [Test]
    public void AMalformedMessageIsDescribedNotThrown()
    {
        Assert.That(In([(byte)MessageId.Have, 1]), Does.StartWith("malformed (2 bytes"));
    }
}
