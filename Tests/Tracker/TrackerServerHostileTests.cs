using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using MeTorrent.Tracker.Server;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>
/// Our tracker under hostile announces: thousands of info hashes, every port of one address, garbage
/// queries and spoofed UDP. What it records stays within its configured limits, and it keeps answering.
/// </summary>
[Stage(3)]
public class TrackerServerHostileTests
{
    private static async Task<byte[]> ExchangeAsync(UdpClient udp, Uri tracker, byte[] request)
    {
        await udp.SendAsync(request, new IPEndPoint(IPAddress.Loopback, tracker.Port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return (await udp.ReceiveAsync(timeout.Token)).Buffer;
    }

    private static async Task<long> ConnectAsync(UdpClient udp, Uri tracker)
    {
        var answer = await ExchangeAsync(udp, tracker, UdpTrackerProtocol.ConnectRequest(1));
        return BinaryPrimitives.ReadInt64BigEndian(answer.AsSpan(8));
    }

    [Test]
    public async Task ThousandsOfInfoHashesAndPortsStayWithinTheLimits()
    {
        var options = new TrackerServerOptions { MaxSwarms = 500, MaxPeersPerSwarm = 300, MaxPeers = 2_000 };
        await using var server = await TrackerServer.StartAsync(options, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        long id = await ConnectAsync(udp, server.UdpAnnounceUrl!);
        long before = GC.GetTotalMemory(forceFullCollection: true);

        int refused = 0;
        for (int i = 0; i < 3_000; i++)   // 3,000 torrents
        {
            var answer = await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.AnnounceRequest(id, i, TestRequests.Announce(1000 + i)));
            if (BinaryPrimitives.ReadInt32BigEndian(answer) == UdpTrackerProtocol.ActionError)
            {
                Assert.That(UdpTrackerProtocol.ErrorMessage(answer), Is.EqualTo(Swarms.FullMessage));
                refused++;
            }
        }
        var crowded = TestRequests.RandomInfoHash();
        for (int port = 1; port <= 1_000; port++)   // one address, a thousand ports, one torrent
            await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.AnnounceRequest(id, port, TestRequests.Announce(port, crowded)));
        long after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.That(server.SwarmCount, Is.EqualTo(500));
        Assert.That(refused, Is.EqualTo(2_500));
        Assert.That(server.PeerCount(crowded), Is.Zero, "the swarm would be the 501st: refused");
        Assert.That(server.TotalPeers, Is.EqualTo(500));
        TestContext.Out.WriteLine($"managed memory: {before >> 10} KiB before, {after >> 10} KiB after 4,000 hostile announces");
        Assert.That(after - before, Is.LessThan(4 << 20));
    }

    [Test]
    public async Task OneSwarmAndAllSwarmsHoldAtMostTheirLimitOfPeers()
    {
        var options = new TrackerServerOptions { MaxPeersPerSwarm = 100, MaxPeers = 150 };
        await using var server = await TrackerServer.StartAsync(options, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        long id = await ConnectAsync(udp, server.UdpAnnounceUrl!);
        var first = TestRequests.RandomInfoHash();
        var second = TestRequests.RandomInfoHash();
        foreach (var infoHash in new[] { first, second })
        {
            for (int port = 1; port <= 400; port++)
            {
                var answer = await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.AnnounceRequest(id, port, TestRequests.Announce(port, infoHash)));
                Assert.That(BinaryPrimitives.ReadInt32BigEndian(answer), Is.EqualTo(UdpTrackerProtocol.ActionAnnounce), "answered, even when not recorded");
            }
        }
        Assert.That(server.PeerCount(first), Is.EqualTo(100));
        Assert.That(server.PeerCount(second), Is.EqualTo(50));
        Assert.That(server.TotalPeers, Is.EqualTo(150));
    }

    [Test]
    public async Task SpoofedUdpAnnouncesWithoutAConnectionIdRecordNothing()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(9);
        for (int i = 0; i < 2_000; i++)
        {
            var answer = await ExchangeAsync(udp, server.UdpAnnounceUrl!,
                UdpTrackerProtocol.AnnounceRequest(random.NextInt64(), i, TestRequests.Announce(2000 + i)));
            Assert.That(UdpTrackerProtocol.ErrorMessage(answer), Is.EqualTo("unknown or expired connection id"));
        }
        Assert.That(server.SwarmCount, Is.Zero);
        Assert.That(server.TotalPeers, Is.Zero);
    }

    [Test]
    public async Task GarbageQueriesGetAFailureReasonAndTheTrackerKeepsAnswering()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var random = new Random(4);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz_=&%0123456789ABCDEF+-.";
        for (int i = 0; i < 300; i++)
        {
            var query = new StringBuilder("/announce?");
            int length = random.Next(0, 200);
            for (int j = 0; j < length; j++)
                query.Append(Alphabet[random.Next(Alphabet.Length)]);
            if (i % 3 == 0)
                query.Append("&numwant=99999999999999999999&port=-1&info_hash=%ZZ");
            var raw = new Uri($"http://127.0.0.1:{server.HttpAnnounceUrl.Port}{query}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var response = await http.GetAsync(raw);
            var body = (BDictionary)BencodeDecoder.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.That(body.Get("failure reason"u8), Is.Not.Null, query.ToString());
        }
        var client = new HttpTrackerClient(server.HttpAnnounceUrl, http, TestRequests.PatientOptions);
        var answer = await client.AnnounceAsync(TestRequests.Announce(7400) with { NumWant = int.MaxValue }, CancellationToken.None);
        Assert.That(answer.Peers, Is.Empty);
        Assert.That(server.SwarmCount, Is.EqualTo(1));
    }
}
