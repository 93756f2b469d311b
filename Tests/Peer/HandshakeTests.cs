using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

[TestFixture, Stage(4)]
public class HandshakeTests
{
    [Test]
    public void TheHandshakeIs68BytesWithOurReservedBits()
    {
        var bytes = new byte[HandshakeCodec.Length];
        var id = PeerId.Generate();
        HandshakeCodec.Write(bytes, Hash, id, PeerFeatures.Extensions | PeerFeatures.Fast);
        Assert.That(bytes[0], Is.EqualTo(19));
        Assert.That(bytes[1..20], Is.EqualTo("BitTorrent protocol"u8.ToArray()));
        Assert.That(bytes[20..28], Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0x10, 0, 0x04 }));
        Assert.That(bytes[28..48], Is.EqualTo(Hash.ToArray()));
        Assert.That(bytes[48..], Is.EqualTo(id.Bytes.ToArray()));
    }

    [TestCase("-TR3000-ohg9lsulr6sp", "-TR3000-")]
    [TestCase("A2-1-36-0-\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A", "A2-1-36-0-")]
    [TestCase("M7-4-3--abcdefghijkl", "M7-4-3--")]
    [TestCase("\u0000\u0001abcdefghijklmnopqr", "")]
    public void TheClientPrefixLeavesOffTheRandomPart(string peerId, string prefix)
    {
        var handshake = new Handshake(Hash, peerId.Select(c => (byte)c).ToArray(), PeerFeatures.None);
        Assert.That(handshake.ClientPrefix, Is.EqualTo(prefix));
    }

    [Test]
    public async Task WeReadThePeersIdAndFeatures()
    {
        var (ours, raw) = await RawPairAsync(reserved: Reserved(extensions: true));
        await using var _ = ours;
        await using var __ = raw;
        Assert.That(ours.RemoteHandshake.PeerId, Is.EqualTo("-RAW001-abcdefghijkl"u8.ToArray()));
        Assert.That(ours.RemoteHandshake.Features, Is.EqualTo(PeerFeatures.Extensions));
        Assert.That(ours.Features, Is.EqualTo(PeerFeatures.Extensions)); // fast: only we announced it
    }

    [Test]
    public async Task AWrongInfoHashClosesWithAClearReason()
    {
        await using var seeder = TestSeeder.Start(TestTorrent.Create(50_000, 16384), new() { WrongInfoHash = true });
        var torrent = TestTorrent.Create(50_000, 16384);
        Assert.That(async () => await PeerConnection.ConnectAsync(seeder.EndPoint, torrent.InfoHash, PeerId.Generate(), Options(4), Deadline()),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains("answered for torrent"));
    }

    [Test]
    public async Task GarbageInsteadOfAHandshakeIsRefused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var garbage = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await socket.SendAsync(new byte[68].Select((_, i) => (byte)i).ToArray());
            await Task.Delay(1000);
        });
        Assert.That(async () => await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), Options(), Deadline()),
            Throws.TypeOf<PeerProtocolException>());
        await garbage;
    }

    [Test]
    public async Task APeerThatNeverAnswersTimesOut()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = new PeerConnectionOptions { PieceCount = 1, HandshakeTimeout = TimeSpan.FromMilliseconds(300) };
        Assert.That(async () => await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), options, Deadline()),
            Throws.TypeOf<TimeoutException>());
    }

    [Test]
    public void NobodyListeningIsASocketError()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var endpoint = (IPEndPoint)port.LocalEndpoint;
        port.Stop();
        Assert.That(async () => await PeerConnection.ConnectAsync(endpoint, Hash, PeerId.Generate(), Options(), Deadline()),
            Throws.InstanceOf<SocketException>());
    }

    [Test]
    public async Task AcceptRefusesATorrentWeDoNotServe()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync();
            return await PeerConnection.AcceptAsync(socket, _ => false, PeerId.Generate(), Options(), Deadline());
        });
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        await client.GetStream().WriteAsync(RawHandshake(Hash));
        Assert.That(async () => await accepting, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("do not serve"));
        Assert.That(await client.GetStream().ReadAsync(new byte[68]), Is.Zero, "closed without answering");
    }

    [Test]
    public async Task ConnectingToOurselvesIsRefused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var id = PeerId.Generate();
        var echo = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var bytes = new byte[68];
            await socket.ReceiveAsync(bytes);
            await socket.SendAsync(bytes);
            await Task.Delay(500);
        });
        Assert.That(async () => await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, id, Options(), Deadline()),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains("ourselves"));
        await echo;
    }
}
