using System.Net;
using System.Text;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>The HTTP client against our own tracker and against fake trackers that misbehave, all on 127.0.0.1.</summary>
[Stage(3)]
public class HttpTrackerClientTests
{
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp() => _http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

    [TearDown]
    public void TearDown() => _http.Dispose();

    private HttpTrackerClient Client(string url, TrackerOptions? options = null) => new(new Uri(url), _http, options ?? TestRequests.PatientOptions);

    [Test]
    public async Task AnnouncesToOurTrackerAndSeesTheOtherPeer()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var infoHash = TestRequests.RandomInfoHash();
        var client = Client(server.HttpAnnounceUrl.ToString());

        var first = await client.AnnounceAsync(TestRequests.Announce(7001, infoHash), CancellationToken.None);
        var second = await client.AnnounceAsync(TestRequests.Announce(7002, infoHash, left: 0), CancellationToken.None);

        Assert.That(first.Peers, Is.Empty, "the first peer is alone (the tracker never lists the asker)");
        Assert.That(second.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:7001") }));
        Assert.That(second.Interval, Is.EqualTo(server.Interval));
        Assert.That((second.Complete, second.Incomplete), Is.EqualTo((1, 1)));
        Assert.That(server.PeerCount(infoHash), Is.EqualTo(2));
    }

    [Test]
    public async Task TheInfoHashArrivesByteForByte_WhateverItsBytes()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var client = Client(server.HttpAnnounceUrl.ToString());
        // Bytes that a careless encoder would mangle: '%', '+', '&', space, non-ASCII, valid UTF-8 pairs.
        var nasty = new MeTorrent.Metainfo.InfoHash("%+& \u00e9\u00ff\0abcdefghijk"u8[..20]);
        await client.AnnounceAsync(TestRequests.Announce(7003, nasty), CancellationToken.None);
        Assert.That(server.PeerCount(nasty), Is.EqualTo(1));
    }

    [Test]
    public async Task EventStoppedTakesThePeerOutOfTheSwarm()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        var infoHash = TestRequests.RandomInfoHash();
        var client = Client(server.HttpAnnounceUrl.ToString());
        await client.AnnounceAsync(TestRequests.Announce(7004, infoHash), CancellationToken.None);
        await client.AnnounceAsync(TestRequests.Announce(7005, infoHash), CancellationToken.None);
        await client.AnnounceAsync(TestRequests.Announce(7004, infoHash, AnnounceEvent.Stopped), CancellationToken.None);

        var last = await client.AnnounceAsync(TestRequests.Announce(7006, infoHash), CancellationToken.None);
        Assert.That(last.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:7005") }));
    }

    [Test]
    public async Task KeepsTheAnnounceUrlsOwnQuery_AndSendsTheTrackerIdBack()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d8:intervali60e5:peers0:10:tracker id4:T-42e"));
        var client = Client(fake.AnnounceUrl + "?passkey=s3cret");
        await client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);
        await client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);

        Assert.That(fake.Requests[0], Does.StartWith("/announce?passkey=s3cret&info_hash=").And.Not.Contain("trackerid"));
        Assert.That(fake.Requests[1], Does.EndWith("&trackerid=T-42"));
    }

    [Test]
    public async Task AFailureReasonBecomesTheErrorMessage()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d14:failure reason22:torrent not registerede"));
        var e = await TestRequests.FailureOf(() => Client(fake.AnnounceUrl).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {fake.AnnounceUrl}: refused the announce: torrent not registered"));
    }

    [Test]
    public async Task AFailureReasonWithAnErrorStatusStillShowsTheTrackersWords()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Response("400 Bad Request", "d14:failure reason7:go awaye"u8.ToArray()));
        var e = await TestRequests.FailureOf(() => Client(fake.AnnounceUrl).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Reason, Is.EqualTo("refused the announce: go away"));
    }

    [Test]
    public async Task AServerErrorNamesTheStatus()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Response("500 Internal Server Error", "<h1>oops</h1>"u8.ToArray()));
        var e = await TestRequests.FailureOf(() => Client(fake.AnnounceUrl).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {fake.AnnounceUrl}: HTTP 500 Internal Server Error"));
    }

    [Test]
    public async Task AGarbageBodyIsAnError()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Ok("<html>Welcome to nginx!</html>"));
        var e = await TestRequests.FailureOf(() => Client(fake.AnnounceUrl).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Reason, Does.StartWith("answered something that is not bencode (\"<html>Welcome to nginx!</html>\")"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task AHugeBodyIsRefusedWithoutReadingItAll(bool declareLength)
    {
        var huge = new byte[3 << 20];
        Array.Fill(huge, (byte)'x');
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Response("200 OK", huge, declareLength));
        var client = new HttpTrackerClient(new Uri(fake.AnnounceUrl), _http, TestRequests.PatientOptions with { MaxResponseBytes = 64 * 1024 });
        var e = await TestRequests.FailureOf(() => client.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Reason, Is.EqualTo("answered more than 65536 bytes, far more than an announce response needs"));
    }

    [Test]
    public async Task ATrackerThatNeverAnswersTimesOut()
    {
        await using var fake = new FakeHttpTracker(_ => null);
        var e = await TestRequests.FailureOf(() => Client(fake.AnnounceUrl, TestRequests.FastOptions).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {fake.AnnounceUrl}: no answer within 0.5 s"));
    }

    [Test]
    public async Task ARefusedConnectionIsAnError()
    {
        string url;
        await using (var gone = new FakeHttpTracker(_ => null))
            url = gone.AnnounceUrl; // the port is closed again once disposed
        var e = await TestRequests.FailureOf(() => Client(url).AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo($"tracker {url}: connection refused"));
    }

    [Test]
    public async Task CancellingIsNotATrackerFailure()
    {
        await using var fake = new FakeHttpTracker(_ => null);
        var client = new HttpTrackerClient(new Uri(fake.AnnounceUrl), _http);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await client.AnnounceAsync(TestRequests.Announce(1), cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
