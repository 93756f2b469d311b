using System.Buffers.Binary;
using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>The BEP 15 client against our own tracker (directly or through a lossy proxy) and scripted fakes, on 127.0.0.1.</summary>
[Stage(3)]
public class UdpTrackerClientTests
{
    private static readonly UdpTrackerOptions Fast = TestRequests.FastOptions.Udp;
    private static readonly UdpTrackerOptions Patient = TestRequests.PatientOptions.Udp;

    private static UdpTrackerClient Client(string url, UdpTrackerOptions? options = null) => new(new Uri(url), options ?? Patient);

    private static int Transaction(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12));

    private static int Action(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));

    [Test]
    public async Task AnnouncesToOurTrackerAndSeesTheOtherPeer()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var infoHash = TestRequests.RandomInfoHash();
        using var client = Client(server.UdpAnnounceUrl!.ToString());

        var first = await client.AnnounceAsync(TestRequests.Announce(7101, infoHash, left: 0), CancellationToken.None);
        var second = await client.AnnounceAsync(TestRequests.Announce(7102, infoHash), CancellationToken.None);

        Assert.That(first.Peers, Is.Empty);
        Assert.That(second.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:7101") }));
        Assert.That(second.Interval, Is.EqualTo(server.Interval));
        Assert.That((second.Complete, second.Incomplete), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task EventStoppedTakesThePeerOutOfTheSwarm()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var infoHash = TestRequests.RandomInfoHash();
        using var client = Client(server.UdpAnnounceUrl!.ToString());
        await client.AnnounceAsync(TestRequests.Announce(7103, infoHash), CancellationToken.None);
        Assert.That(server.PeerCount(infoHash), Is.EqualTo(1));
        await client.AnnounceAsync(TestRequests.Announce(7103, infoHash, AnnounceEvent.Stopped), CancellationToken.None);
        Assert.That(server.PeerCount(infoHash), Is.EqualTo(0));
    }

    [Test]
    public async Task ReusesTheConnectionIdWithinItsLifetime()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var proxy = new LossyUdpProxy(server.UdpAnnounceUrl!, dropFirst: 0);
        using var client = Client(proxy.AnnounceUrl);
        for (int i = 0; i < 3; i++)
            await client.AnnounceAsync(TestRequests.Announce(7104), CancellationToken.None);
        Assert.That(proxy.ClientActions, Is.EqualTo(new[] { 0, 1, 1, 1 }), "one connect, then three announces");
    }

    [Test]
    public async Task ConnectsAgainOnceTheConnectionIdExpired()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var proxy = new LossyUdpProxy(server.UdpAnnounceUrl!, dropFirst: 0);
        using var client = Client(proxy.AnnounceUrl, Patient with { ConnectionIdLifetime = TimeSpan.Zero });
        await client.AnnounceAsync(TestRequests.Announce(7105), CancellationToken.None);
        await client.AnnounceAsync(TestRequests.Announce(7105), CancellationToken.None);
        Assert.That(proxy.ClientActions, Is.EqualTo(new[] { 0, 1, 0, 1 }));
    }

    [Test]
    public async Task RetransmitsLostPackets()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var proxy = new LossyUdpProxy(server.UdpAnnounceUrl!, dropFirst: 2);
        using var client = Client(proxy.AnnounceUrl, Patient with { InitialTimeout = TimeSpan.FromMilliseconds(200) });
        var response = await client.AnnounceAsync(TestRequests.Announce(7106), CancellationToken.None);
        Assert.That(response.Interval, Is.EqualTo(server.Interval));
        Assert.That(proxy.Dropped, Is.EqualTo(2));
        Assert.That(proxy.ClientActions.Take(3), Is.EqualTo(new[] { 0, 0, 0 }), "the connect was sent again after each loss");
        Assert.That(proxy.ClientActions[^1], Is.EqualTo(1));
    }

    [Test]
    public async Task GivesUpAfterMaxAttempts_WithBackOff()
    {
        await using var silent = new FakeUdpTracker(_ => []);
        using var client = Client(silent.AnnounceUrl, Fast);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {silent.AnnounceUrl}: no answer after 3 tries (0.7 s)"));
        Assert.That(silent.Received, Has.Count.EqualTo(3));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(650)), "waits 0.1 + 0.2 + 0.4 s");
    }

    [Test]
    public async Task IgnoresAnswersWithAnotherTransactionId()
    {
        var peer = new byte[] { 127, 0, 0, 1, 0x1B, 0x58 }; // 127.0.0.1:7000
        await using var fake = new FakeUdpTracker(request =>
        {
            int tid = Transaction(request);
            byte[] right = Action(request) == 0
                ? UdpTrackerProtocol.ConnectResponse(tid, 42)
                : UdpTrackerProtocol.AnnounceResponse(tid, 900, 1, 2, peer);
            byte[] wrong = Action(request) == 0
                ? UdpTrackerProtocol.ConnectResponse(tid + 1, 666)
                : UdpTrackerProtocol.ErrorResponse(tid ^ 0x5555, "not for you");
            return [wrong, [1, 2, 3], right];
        });
        using var client = Client(fake.AnnounceUrl);
        var response = await client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);

        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:7000") }));
        Assert.That((response.Interval, response.Incomplete, response.Complete), Is.EqualTo((TimeSpan.FromSeconds(900), 1, 2)));
        Assert.That(fake.Received, Has.Count.EqualTo(2), "no retransmission was needed");
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(fake.Received[1]), Is.EqualTo(42), "the announce carries the right connection id");
    }

    [Test]
    public async Task SendsTheUrlPathAndQueryAsBep41UrlData()
    {
        await using var fake = new FakeUdpTracker(request => Action(request) == 0
            ? [UdpTrackerProtocol.ConnectResponse(Transaction(request), 7)]
            : [UdpTrackerProtocol.AnnounceResponse(Transaction(request), 60, 0, 0, [])]);
        using var client = Client(fake.AnnounceUrl + "?passkey=abc");
        await client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);

        var announce = fake.Received[1];
        Assert.That(announce[..UdpTrackerProtocol.AnnounceRequestLength], Has.Length.EqualTo(98));
        Assert.That(announce[98..], Is.EqualTo((byte[])[2, 21, .. "/announce?passkey=abc"u8]));
    }

    [Test]
    public void SplitsLongUrlDataIntoOptionsOf255Bytes()
    {
        string url = "/" + new string('x', 299);
        var packet = UdpTrackerProtocol.AnnounceRequest(1, 2, TestRequests.Announce(1), url);
        Assert.That(packet, Has.Length.EqualTo(98 + 2 + 255 + 2 + 45));
        Assert.That((packet[98], packet[99], packet[98 + 257], packet[98 + 258]), Is.EqualTo(((byte)2, (byte)255, (byte)2, (byte)45)));
    }

    [Test]
    public async Task AnErrorActionIsARefusal()
    {
        await using var fake = new FakeUdpTracker(request => Action(request) == 0
            ? [UdpTrackerProtocol.ConnectResponse(Transaction(request), 7)]
            : [UdpTrackerProtocol.ErrorResponse(Transaction(request), "torrent not registered")]);
        using var client = Client(fake.AnnounceUrl);
        var e = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {fake.AnnounceUrl}: refused the announce: torrent not registered"));
        Assert.That(e.IsRefusal, Is.True);

        // After an error the connection id is not trusted any more: the next announce connects first.
        await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(fake.Received.Select(Action), Is.EqualTo(new[] { 0, 1, 0, 1 }));
    }

    [TestCase(8, "refused the announce: empty answer")]
    [TestCase(10, "only 10 bytes")]
    [TestCase(27, "multiple of 6")]
    public async Task AMalformedAnnounceAnswerIsAnError(int length, string expected)
    {
        await using var fake = new FakeUdpTracker(request =>
        {
            if (Action(request) == 0)
                return [UdpTrackerProtocol.ConnectResponse(Transaction(request), 7)];
            var answer = UdpTrackerProtocol.AnnounceResponse(Transaction(request), 60, 0, 0, new byte[Math.Max(0, length - 20)]);
            return [answer[..length]];
        });
        using var client = Client(fake.AnnounceUrl);
        var e = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Reason, Does.Contain(expected));
    }

    [Test]
    public async Task AClosedPortIsRefusedAtOnce()
    {
        string url;
        await using (var gone = new FakeUdpTracker(_ => []))
            url = gone.AnnounceUrl;
        using var client = Client(url, Patient with { InitialTimeout = TimeSpan.FromSeconds(5) });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {url}: refused (nothing listens on that UDP port)"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "the ICMP port-unreachable ends the wait");
    }
}
