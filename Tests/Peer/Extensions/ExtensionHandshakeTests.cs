using System.Net;
using System.Text;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer.Extensions;

[Stage(4)]
public class ExtensionHandshakeTests
{
    [Test]
    public void OursRoundTrips()
    {
        var ours = ExtensionHandshake.Ours(31_235, 6881, IPAddress.Parse("127.0.0.1"));
        var back = ExtensionHandshake.Decode(ours.Encode());
        Assert.That(back.IdOf("ut_metadata"), Is.EqualTo(ExtensionNames.UtMetadataId));
        Assert.That(back.IdOf("ut_pex"), Is.EqualTo(ExtensionNames.UtPexId));
        Assert.That(back.MetadataSize, Is.EqualTo(31_235));
        Assert.That(back.ListenPort, Is.EqualTo(6881));
        Assert.That(back.Client, Is.EqualTo("MeTorrent 0.1"));
        Assert.That(back.RequestQueue, Is.EqualTo(500));
        Assert.That(back.YourIp, Is.EqualTo(IPAddress.Parse("127.0.0.1")));
    }

    [Test]
    public void WithoutMetadataNoSizeIsSent()
    {
        string text = Encoding.ASCII.GetString(ExtensionHandshake.Ours(null, null, null).Encode());
        Assert.That(text, Is.EqualTo("d1:md11:ut_metadatai1e6:ut_pexi2ee4:reqqi500e1:v13:MeTorrent 0.1e"));
    }

    [Test]
    public void MappedIPv4IsSentAsFourBytes()
    {
        var ours = ExtensionHandshake.Ours(null, null, IPAddress.Parse("127.0.0.1").MapToIPv6());
        Assert.That(ExtensionHandshake.Decode(ours.Encode()).YourIp, Is.EqualTo(IPAddress.Parse("127.0.0.1")));
    }

    [Test]
    public void ReadsLibtorrentsHandshake()
    {
        // As libtorrent 2.0 sends it (abridged); id 0 disables an extension, unknown keys are ignored.
        byte[] bytes = [.. "d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi0ee13:metadata_sizei4567e4:reqqi500e11:upload_onlyi1e1:v18:libtorrent/2.0.8.06:yourip4:"u8, 127, 0, 0, 1, (byte)'e'];
        var theirs = ExtensionHandshake.Decode(bytes);
        Assert.That(theirs.IdOf("ut_metadata"), Is.EqualTo(2));
        Assert.That(theirs.IdOf("ut_pex"), Is.Null, "id 0 means disabled");
        Assert.That(theirs.MetadataSize, Is.EqualTo(4567));
        Assert.That(theirs.Client, Is.EqualTo("libtorrent/2.0.8.0"));
        Assert.That(theirs.YourIp, Is.EqualTo(IPAddress.Loopback));
    }

    [TestCase("le", "not a dictionary")]
    [TestCase("d1:mi1ee", "\"m\" is not a dictionary")]
    [TestCase("d1:md11:ut_metadatai256eee", "not a number from 0 to 255")]
    [TestCase("d1:md11:ut_metadatai-1eee", "not a number from 0 to 255")]
    [TestCase("d1:md11:ut_metadata1:xee", "not a number from 0 to 255")]
    [TestCase("d13:metadata_sizei-5ee", "metadata_size")]
    [TestCase("d13:metadata_size3:bige", "metadata_size")]
    [TestCase("d1:md", "not valid bencode")]
    public void MalformedHandshakesAreRefused(string text, string expected) =>
        Assert.That(() => ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(text)),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains(expected));

    [Test]
    public void OddHintsAreIgnoredNotTrusted()
    {
        var theirs = ExtensionHandshake.Decode(Encoding.ASCII.GetBytes("d1:pi70000e4:reqqi-3e1:v9:ab\u001b[2Jcd\u00076:yourip3:abce"));
        Assert.That(theirs.ListenPort, Is.Null);
        Assert.That(theirs.RequestQueue, Is.Null);
        Assert.That(theirs.Client, Is.EqualTo("ab[2Jcd"), "control characters are dropped");
        Assert.That(theirs.YourIp, Is.Null);
        Assert.That(theirs.Ids, Is.Empty);
    }

    [Test]
    public void HugeOrDeepHandshakesAreRefused()
    {
        Assert.That(() => ExtensionHandshake.Decode(new byte[ExtensionHandshake.MaxLength + 1]),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains("limit"));
        string many = "d1:md" + string.Concat(Enumerable.Range(0, 200).Select(i => $"{$"x{i:000}".Length}:x{i:000}i1e")) + "ee";
        Assert.That(() => ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(many)), Throws.TypeOf<PeerProtocolException>());
        string deep = "d1:x" + new string('l', 50) + new string('e', 50) + "e";
        Assert.That(() => ExtensionHandshake.Decode(Encoding.ASCII.GetBytes(deep)), Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task TheConnectionKeepsThePeersIds()
    {
        var (dialer, acceptor) = await PeerTestKit.PairAsync();
        await using (dialer)
        await using (acceptor)
        {
            Assert.That(acceptor.RemoteExtensions, Is.Null);
            await dialer.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(1000, null, acceptor.RemoteEndPoint.Address), PeerTestKit.Deadline());
            var message = await acceptor.ReceiveAsync(PeerTestKit.Deadline());
            Assert.That(message.Id, Is.EqualTo(MessageId.Extended));
            Assert.That(message.Index, Is.EqualTo(ExtensionNames.HandshakeId));
            Assert.That(acceptor.RemoteExtensions!.MetadataSize, Is.EqualTo(1000));
            Assert.That(acceptor.PeerSupports(ExtensionNames.UtMetadata), Is.True);
            Assert.That(dialer.PeerSupports(ExtensionNames.UtMetadata), Is.False, "the acceptor has not sent its handshake");
            Assert.That(() => dialer.SendMetadataMessageAsync(MetadataMessage.Request(0), PeerTestKit.Deadline()).AsTask(),
                Throws.InvalidOperationException, "we cannot send ut_metadata before the peer names its id");

            await acceptor.SendMetadataMessageAsync(MetadataMessage.Request(3), PeerTestKit.Deadline());
            var request = await dialer.ReceiveAsync(PeerTestKit.Deadline());
            Assert.That(request.Index, Is.EqualTo(ExtensionNames.UtMetadataId), "sent under the id the receiver chose");
            Assert.That(MetadataMessage.Decode(request.Payload), Is.EqualTo(MetadataMessage.Request(3)));
        }
    }

    [Test]
    public async Task AMalformedHandshakeClosesTheConnection()
    {
        var (ours, raw) = await PeerTestKit.RawPairAsync(reserved: PeerTestKit.Reserved(extensions: true));
        await using (ours)
        await using (raw)
        {
            await raw.WriteAsync(PeerTestKit.Frame(20, [0, .. "d1:mi5ee"u8.ToArray()]));
            Assert.That(async () => await ours.ReceiveAsync(PeerTestKit.Deadline()),
                Throws.TypeOf<PeerProtocolException>().With.Message.Contains("\"m\" is not a dictionary"));
        }
    }

    [Test]
    public async Task MetadataOnlyConnectionsReadPieceAnnouncementsOfAnyLength()
    {
        var options = new PeerConnectionOptions { MetadataOnly = true, ReadTimeout = TimeSpan.FromSeconds(10) };
        var (ours, raw) = await PeerTestKit.RawPairAsync(options, PeerTestKit.Reserved(extensions: true, fast: true));
        await using (ours)
        await using (raw)
        {
            await raw.WriteAsync(PeerTestKit.Frame(5, new byte[77]));            // bitfield of an unknown torrent
            await raw.WriteAsync(PeerTestKit.Frame(4, PeerTestKit.Ints(123_456))); // have
            await raw.WriteAsync(PeerTestKit.Frame(6, PeerTestKit.Ints(1, 0, 16384))); // request: we have nothing
            await raw.WriteAsync(PeerTestKit.Frame(1));                            // unchoke
            Assert.That((await ours.ReceiveAsync(PeerTestKit.Deadline())).Id, Is.EqualTo(MessageId.Unchoke), "the rest was dropped");
            await raw.WriteAsync(PeerTestKit.Frame(5, new byte[WireLimits.MaxUnknownLength]));
            Assert.That(async () => await ours.ReceiveAsync(PeerTestKit.Deadline()), Throws.TypeOf<PeerProtocolException>(), "still bounded");
        }
    }

    [Test]
    public void MetadataOnlyMeansNoPieceCount() =>
        Assert.That(() => PeerConnection.OpenAsync(new MemoryStream(), new IPEndPoint(IPAddress.Loopback, 1), PeerTestKit.Hash,
                MeTorrent.Metainfo.PeerId.Generate(), new PeerConnectionOptions { MetadataOnly = true, PieceCount = 5 }, PeerTestKit.Deadline()),
            Throws.ArgumentException);
}
