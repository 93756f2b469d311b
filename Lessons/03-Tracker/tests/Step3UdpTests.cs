using System.Buffers.Binary;
using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Lesson.LessonTracker;

namespace MeTorrent.Tests.Tracker.Lesson;

/// <summary>Lesson 03, step 3 (03-tracker.udp): the UDP tracker protocol (BEP 15).</summary>
[Stage(3)]
public class Step3UdpTests
{
    [Test]
    public void BuildsTheConnectRequest()
    {
        byte[] packet = UdpTrackerProtocol.ConnectRequest(0x01020304);
        Assert.That(Convert.ToHexString(packet), Is.EqualTo("0000041727101980" + "00000000" + "01020304"),
            "16 bytes, big-endian: the magic protocol id 0x41727101980, action 0 (connect), our transaction id");
    }

    [Test]
    public void BuildsTheAnnounceRequest()
    {
        byte[] packet = UdpTrackerProtocol.AnnounceRequest(0x1122334455667788, 0x0a0b0c0d, Request(port: 6881, e: AnnounceEvent.Started));
        Assert.That(packet.Length, Is.EqualTo(98), "a BEP 15 announce request is 98 bytes");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(packet), Is.EqualTo(0x1122334455667788), "offset 0: the connection id the tracker gave us");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8)), Is.EqualTo(1), "offset 8: action 1 (announce)");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12)), Is.EqualTo(0x0a0b0c0d), "offset 12: the transaction id");
        Assert.That(packet.AsSpan(16, 20).ToArray(), Is.EqualTo(SampleInfoHash().ToArray()), "offset 16: the 20 raw bytes of the info hash");
        Assert.That(packet.AsSpan(36, 20).ToArray(), Is.EqualTo(SamplePeerId().Bytes.ToArray()), "offset 36: our peer id");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(56)), Is.EqualTo(7), "offset 56: downloaded");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(64)), Is.EqualTo(92063), "offset 64: left");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(72)), Is.EqualTo(5), "offset 72: uploaded");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(80)), Is.EqualTo(2), "offset 80: the event, where BEP 15 numbers started as 2 (UdpTrackerProtocol.EventCode)");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(88)), Is.EqualTo(0x1234abcdu), "offset 88: the key");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(92)), Is.EqualTo(50), "offset 92: num want");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(96)), Is.EqualTo(6881), "offset 96: our port, 2 bytes");
    }

    [Test]
    public async Task DiscoversPeersFromATrackerOverUdp()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, Timeout());
        using var client = new UdpTrackerClient(server.UdpAnnounceUrl!, new UdpTrackerOptions { InitialTimeout = TimeSpan.FromSeconds(1), MaxAttempts = 3 });
        var infoHash = RandomInfoHash();

        await client.AnnounceAsync(Fresh(infoHash, 7311), Timeout());
        var second = await client.AnnounceAsync(Fresh(infoHash, 7312), Timeout());

        Assert.That(second.Peers, Does.Contain(IPEndPoint.Parse("127.0.0.1:7311")),
            "connect, then announce, over UDP: the second announce hears of the first peer");
    }
}
