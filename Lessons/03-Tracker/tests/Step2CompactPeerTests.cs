using System.Net;
using System.Net.Sockets;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Lesson.LessonTracker;

namespace MeTorrent.Tests.Tracker.Lesson;

/// <summary>Lesson 03, step 2 (03-tracker.compact-peers): the compact peer list (BEP 23), then a real announce.</summary>
[Stage(3)]
public class Step2CompactPeerTests
{
    [Test]
    public void ReadsIPv4Peers()
    {
        byte[] packed = [127, 0, 0, 1, 0x1A, 0xE1, 127, 0, 0, 2, 0xC8, 0xD5];
        Assert.That(LessonAssert.Valid(() => CompactPeers.Parse(packed, AddressFamily.InterNetwork), "Step 2 (compact peers): 12 bytes are two IPv4 peers of 6 bytes each."),
            Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:6881"), IPEndPoint.Parse("127.0.0.2:51413") }),
            "6 bytes per peer: 4 bytes of address, then the port in 2 bytes, big-endian (0x1AE1 = 6881)");
    }

    [Test]
    public void ReadsIPv6Peers()
    {
        byte[] packed = new byte[18];
        packed[15] = 1;
        packed[16] = 0x1A;
        packed[17] = 0xE1;
        Assert.That(CompactPeers.Parse(packed, AddressFamily.InterNetworkV6), Is.EqualTo(new[] { IPEndPoint.Parse("[::1]:6881") }),
            "IPv6 peers (BEP 7 \"peers6\") take 18 bytes: 16 of address, 2 of port");
    }

    [Test]
    public void RejectsAListThatIsNotWholePeers()
    {
        Assert.That(() => CompactPeers.Parse(new byte[7], AddressFamily.InterNetwork), Throws.TypeOf<FormatException>(),
            "7 bytes is one peer and a piece of another: a FormatException, never a peer made of garbage");
    }

    [Test]
    public void SkipsPeersWithPortZero()
    {
        byte[] packed = [127, 0, 0, 1, 0, 0, 127, 0, 0, 1, 0x1A, 0xE1];
        Assert.That(CompactPeers.Parse(packed, AddressFamily.InterNetwork), Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:6881") }),
            "nobody listens on port 0: leave such entries out");
    }

    [Test]
    public void ReadsTheTrackersAnswer()
    {
        byte[] body = [.. "d8:intervali900e5:peers6:"u8, 127, 0, 0, 1, 0x1A, 0xE1, (byte)'e'];
        var response = HttpAnnounceResponseParser.Parse("http://127.0.0.1:6969/announce", body);
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:6881") }), "the \"peers\" string is a compact peer list");
        Assert.That(response.Interval, Is.EqualTo(TimeSpan.FromSeconds(900)), "\"interval\": seconds to wait before the next announce");
    }

    [Test]
    public async Task DiscoversPeersFromATrackerOverHttp()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, Timeout());
        using var http = new HttpClient();
        var client = new HttpTrackerClient(server.HttpAnnounceUrl, http);
        var infoHash = RandomInfoHash();

        await client.AnnounceAsync(Fresh(infoHash, 7301), Timeout());
        var second = await client.AnnounceAsync(Fresh(infoHash, 7302), Timeout());

        Assert.That(second.Peers, Does.Contain(IPEndPoint.Parse("127.0.0.1:7301")),
            "announcing twice to a real tracker: the second announce hears of the first peer (your URL, then your compact peer parser)");
    }
}
