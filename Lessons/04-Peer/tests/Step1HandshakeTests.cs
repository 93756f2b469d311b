using System.Text;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.Lesson.LessonPeer;

namespace MeTorrent.Tests.Peer.Lesson;

/// <summary>Lesson 04, step 1 (04-peer.handshake): the 68-byte BEP 3 handshake.</summary>
[Stage(4)]
public class Step1HandshakeTests
{
    [Test]
    public void WritesTheHandshake()
    {
        var bytes = new byte[HandshakeCodec.Length];
        HandshakeCodec.Write(bytes, SampleInfoHash, OurId, PeerFeatures.None);
        Assert.That(bytes[0], Is.EqualTo(19), "byte 0: the length of the protocol string, 19");
        Assert.That(Encoding.ASCII.GetString(bytes, 1, 19), Is.EqualTo("BitTorrent protocol"), "bytes 1-19: \"BitTorrent protocol\"");
        Assert.That(bytes[20..28], Is.EqualTo(new byte[8]), "bytes 20-27: the reserved bytes, all zero when we announce no extension");
        Assert.That(bytes[28..48], Is.EqualTo(InfoHashBytes), "bytes 28-47: the info hash, raw");
        Assert.That(bytes[48..68], Is.EqualTo(OurId.Bytes.ToArray()), "bytes 48-67: our peer id");
    }

    [Test]
    public void AnnouncesExtensionsInTheReservedBytes()
    {
        var bytes = new byte[HandshakeCodec.Length];
        HandshakeCodec.Write(bytes, SampleInfoHash, OurId, PeerFeatures.Extensions);
        Assert.That(bytes[25], Is.EqualTo(0x10), "BEP 10: the extension protocol is bit 0x10 of reserved byte 5 (write the reserved bytes with ReservedBits.Write)");
    }

    [Test]
    public void ReadsThePeersInfoHash()
    {
        byte[] prefix = FakePeer.HandshakeBytes(InfoHashBytes, FakePeer.Id)[..HandshakeCodec.PrefixLength];
        var (infoHash, features) = HandshakeCodec.ReadPrefix(prefix);
        Assert.That(infoHash, Is.EqualTo(SampleInfoHash), "the info hash is bytes 28-47 of the handshake");
        Assert.That(features, Is.EqualTo(PeerFeatures.None), "all-zero reserved bytes: no extensions");
    }

    [Test]
    public void RejectsSomethingThatIsNotAHandshake()
    {
        byte[] prefix = FakePeer.HandshakeBytes(InfoHashBytes, FakePeer.Id)[..HandshakeCodec.PrefixLength];
        prefix[1] = (byte)'b';
        Assert.That(() => HandshakeCodec.ReadPrefix(prefix), Throws.TypeOf<PeerProtocolException>(),
            "\"bitTorrent protocol\" is not the protocol: a PeerProtocolException (an HTTP server or an encrypted peer answers like this)");
    }

    [Test]
    public async Task HandshakesWithAPeer()
    {
        await using var peer = new FakePeer(InfoHashBytes, (_, _, ct) => Task.Delay(System.Threading.Timeout.Infinite, ct));
        await using var connection = await ConnectAsync(peer, pieceCount: 1, Timeout());
        Assert.That(peer.ReceivedHandshake[28..48], Is.EqualTo(InfoHashBytes), "the peer received our handshake, with the torrent's info hash");
        Assert.That(connection.RemoteHandshake.PeerId, Is.EqualTo(FakePeer.Id), "we read the peer's id from the last 20 bytes of its handshake");
    }
}
