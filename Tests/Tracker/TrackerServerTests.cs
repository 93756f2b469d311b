using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using MeTorrent.Tracker.Server;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>Our tracker's behaviour, asked directly over HTTP and UDP on 127.0.0.1.</summary>
[Stage(3)]
public class TrackerServerTests
{
    private static readonly TrackerOptions Patient = TestRequests.PatientOptions;
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp() => _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [TearDown]
    public void TearDown() => _http.Dispose();

    private async Task<BDictionary> GetAsync(Uri url, string pathAndQuery)
    {
        // Sent exactly as written, bad escapes and all.
        var raw = new Uri($"http://127.0.0.1:{url.Port}{pathAndQuery}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var body = await _http.GetByteArrayAsync(raw);
        return (BDictionary)BencodeDecoder.Decode(body);
    }

    private static string ValidQuery(int port = 7301) =>
        "/announce?info_hash=" + AnnounceQuery.PercentEncode(TestRequests.RandomInfoHash().Bytes)
        + "&peer_id=-XX0001-aaaaaaaaaaaa&port=" + port + "&uploaded=0&downloaded=0&left=5";

    [Test]
    public async Task HonoursNumWant()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var client = new HttpTrackerClient(server.HttpAnnounceUrl, _http, Patient);
        var infoHash = TestRequests.RandomInfoHash();
        for (int port = 7310; port < 7320; port++)
            await client.AnnounceAsync(TestRequests.Announce(port, infoHash), CancellationToken.None);

        var three = await client.AnnounceAsync(TestRequests.Announce(7320, infoHash) with { NumWant = 3 }, CancellationToken.None);
        var none = await client.AnnounceAsync(TestRequests.Announce(7321, infoHash) with { NumWant = 0 }, CancellationToken.None);
        var all = await client.AnnounceAsync(TestRequests.Announce(7322, infoHash) with { NumWant = 100 }, CancellationToken.None);

        Assert.That(three.Peers, Has.Count.EqualTo(3).And.All.Matches<IPEndPoint>(p => p!.Port is >= 7310 and < 7321));
        Assert.That(none.Peers, Is.Empty);
        Assert.That(all.Peers, Has.Count.EqualTo(12), "every other peer, never the asker");
        Assert.That(all.Peers.Select(p => p.Port), Does.Not.Contain(7322));
    }

    [Test]
    public async Task CapsNumWantAtItsMaximum()
    {
        await using var server = await TrackerServer.StartAsync(new TrackerServerOptions { MaxNumWant = 2 }, CancellationToken.None);
        using var client = new UdpTrackerClient(server.UdpAnnounceUrl!, Patient.Udp);
        var infoHash = TestRequests.RandomInfoHash();
        for (int port = 7330; port < 7335; port++)
            await client.AnnounceAsync(TestRequests.Announce(port, infoHash), CancellationToken.None);
        var response = await client.AnnounceAsync(TestRequests.Announce(7335, infoHash) with { NumWant = 50 }, CancellationToken.None);
        Assert.That(response.Peers, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task RefusesNewTorrentsWhenFull()
    {
        await using var server = await TrackerServer.StartAsync(new TrackerServerOptions { MaxSwarms = 1 }, CancellationToken.None);
        var client = new HttpTrackerClient(server.HttpAnnounceUrl, _http, Patient);
        using var udp = new UdpTrackerClient(server.UdpAnnounceUrl!, Patient.Udp);
        var known = TestRequests.RandomInfoHash();
        await client.AnnounceAsync(TestRequests.Announce(7336, known), CancellationToken.None);

        var http = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(7337), CancellationToken.None));
        var viaUdp = await TestRequests.FailureOf(() => udp.AnnounceAsync(TestRequests.Announce(7337), CancellationToken.None));
        Assert.That(http.Reason, Is.EqualTo("refused the announce: the tracker is full: it tracks no more torrents"));
        Assert.That(viaUdp.Reason, Is.EqualTo(http.Reason));
        Assert.That((await client.AnnounceAsync(TestRequests.Announce(7338, known), CancellationToken.None)).Peers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ForgetsPeersThatStopAnnouncing()
    {
        var time = new ManualTime();
        var options = new TrackerServerOptions { Interval = TimeSpan.FromMinutes(10), Time = time };
        await using var server = await TrackerServer.StartAsync(options, CancellationToken.None);
        var client = new HttpTrackerClient(server.HttpAnnounceUrl, _http, Patient);
        var infoHash = TestRequests.RandomInfoHash();
        await client.AnnounceAsync(TestRequests.Announce(7340, infoHash), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(20));
        await client.AnnounceAsync(TestRequests.Announce(7341, infoHash), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(15)); // 35 min since 7340 announced: more than three intervals

        var response = await client.AnnounceAsync(TestRequests.Announce(7342, infoHash), CancellationToken.None);
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:7341") }));
    }

    [TestCase("/announce?peer_id=-XX0001-aaaaaaaaaaaa&port=1", "info_hash must be 20 bytes")]
    [TestCase("/announce?info_hash=abc&peer_id=-XX0001-aaaaaaaaaaaa&port=1", "info_hash must be 20 bytes")]
    [TestCase("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=short&port=1", "peer_id must be 20 bytes")]
    [TestCase("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-aaaaaaaaaaaa", "port must be")]
    [TestCase("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-aaaaaaaaaaaa&port=70000", "port must be")]
    [TestCase("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-aaaaaaaaaaaa&port=1&left=-1", "non-negative")]
    [TestCase("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-aaaaaaaaaaaa&port=1&event=exploded", "unknown event")]
    [TestCase("/announce?info_hash=%zz&peer_id=-XX0001-aaaaaaaaaaaa&port=1", "bad percent escape")]
    public async Task AnswersAFailureReasonToAMalformedAnnounce(string pathAndQuery, string expected)
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var answer = await GetAsync(server.HttpAnnounceUrl, pathAndQuery);
        Assert.That((answer["failure reason"] as BString)?.Text, Does.Contain(expected));
    }

    [Test]
    public async Task AnswersOtherPathsWith404()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var answer = await _http.GetAsync(new Uri(server.HttpAnnounceUrl, "/favicon.ico"));
        Assert.That((int)answer.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task AnswersTheDictionaryModelWhenCompactIsOff()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        string query = ValidQuery(7350);
        await GetAsync(server.HttpAnnounceUrl, query);
        var answer = await GetAsync(server.HttpAnnounceUrl, query.Replace("port=7350", "port=7351") + "&compact=0");

        var peers = (BList)answer["peers"]!;
        Assert.That(peers, Has.Count.EqualTo(1));
        var peer = (BDictionary)peers[0];
        Assert.That(((BString)peer["ip"]!).Text, Is.EqualTo("127.0.0.1"));
        Assert.That(((BInteger)peer["port"]!).Value, Is.EqualTo(7350));
        Assert.That(((BString)peer["peer id"]!).Text, Is.EqualTo("-XX0001-aaaaaaaaaaaa"));
    }

    [Test]
    public void PutsIPv6PeersInPeers6()
    {
        var peers = new[]
        {
            new SwarmPeer(IPEndPoint.Parse("127.0.0.1:1000"), new byte[20], false, DateTimeOffset.UnixEpoch),
            new SwarmPeer(IPEndPoint.Parse("[::1]:2000"), new byte[20], true, DateTimeOffset.UnixEpoch),
        };
        var body = HttpAnnounceAnswer.Success(new SwarmAnswer(peers, 1, 1), new TrackerServerOptions(), compact: true, noPeerId: false);
        var response = HttpAnnounceResponseParser.Parse("test", body);
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:1000"), IPEndPoint.Parse("[::1]:2000") }));
    }

    [Test]
    public async Task UdpRefusesAnUnknownConnectionId()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = UdpTrackerProtocol.AnnounceRequest(connectionId: 12345, transaction: 77, TestRequests.Announce(7360));
        var answer = await ExchangeAsync(udp, server.UdpAnnounceUrl!, request);
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(answer), Is.EqualTo(UdpTrackerProtocol.ActionError));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(4)), Is.EqualTo(77));
        Assert.That(UdpTrackerProtocol.ErrorMessage(answer), Is.EqualTo("unknown or expired connection id"));
    }

    [Test]
    public async Task UdpConnectionIdsLastTwoMinutes()
    {
        var time = new ManualTime();
        await using var server = await TrackerServer.StartAsync(new TrackerServerOptions { Time = time }, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var connect = await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.ConnectRequest(5));
        long id = BinaryPrimitives.ReadInt64BigEndian(connect.AsSpan(8));

        time.Advance(TimeSpan.FromSeconds(110));
        var accepted = await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.AnnounceRequest(id, 6, TestRequests.Announce(7361)));
        time.Advance(TimeSpan.FromMinutes(3));
        var refused = await ExchangeAsync(udp, server.UdpAnnounceUrl!, UdpTrackerProtocol.AnnounceRequest(id, 7, TestRequests.Announce(7361)));

        Assert.That(BinaryPrimitives.ReadInt32BigEndian(accepted), Is.EqualTo(UdpTrackerProtocol.ActionAnnounce));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(refused), Is.EqualTo(UdpTrackerProtocol.ActionError));
    }

    [Test]
    public async Task UdpRefusesABadProtocolId()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = UdpTrackerProtocol.ConnectRequest(9);
        request[0] = 0x7F;
        var answer = await ExchangeAsync(udp, server.UdpAnnounceUrl!, request);
        Assert.That(UdpTrackerProtocol.ErrorMessage(answer), Is.EqualTo("bad protocol id"));
    }

    [Test]
    public async Task UsesOnePortNumberForHttpAndUdp()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        Assert.That(server.UdpAnnounceUrl!.Port, Is.EqualTo(server.HttpAnnounceUrl.Port));
        Assert.That(server.HttpAnnounceUrl.ToString(), Is.EqualTo($"http://127.0.0.1:{server.HttpAnnounceUrl.Port}/announce"));
    }

    private static async Task<byte[]> ExchangeAsync(UdpClient udp, Uri tracker, byte[] request)
    {
        await udp.SendAsync(request, new IPEndPoint(IPAddress.Loopback, tracker.Port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return (await udp.ReceiveAsync(timeout.Token)).Buffer;
    }
}
