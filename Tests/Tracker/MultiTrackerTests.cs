using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>BEP 12: tiers in order, shuffled within a tier, the tracker that answers moves to the front, dead ones never block.</summary>
[Stage(3)]
public class MultiTrackerTests
{
    /// <summary>A stand-in tracker that answers or fails as told and records that it was asked.</summary>
    private sealed class ScriptedTracker(string url, List<string> calls, Func<bool> works) : ITrackerClient
    {
        public Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken ct)
        {
            calls.Add(url);
            return works()
                ? Task.FromResult(new AnnounceResponse([IPEndPoint.Parse("127.0.0.1:1")], TimeSpan.FromMinutes(1)))
                : Task.FromException<AnnounceResponse>(new TrackerException(url, "connection refused"));
        }
    }

    private static MultiTracker Scripted(IReadOnlyList<IReadOnlyList<string>> tiers, List<string> calls, ISet<string> working, int seed = 1) =>
        new(tiers, url => new ScriptedTracker(url, calls, () => working.Contains(url)), new Random(seed));

    [Test]
    public async Task TriesTiersInOrder_AndStopsAtTheFirstAnswer()
    {
        var calls = new List<string>();
        using var multi = Scripted([["a1", "a2"], ["b1"], ["c1"]], calls, new HashSet<string> { "b1", "c1" });
        var response = await multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);
        Assert.That(calls.Take(2), Is.EquivalentTo(new[] { "a1", "a2" }));
        Assert.That(calls.Skip(2), Is.EqualTo(new[] { "b1" }), "tier c is not needed");
        Assert.That(response.TrackerUrl, Is.EqualTo("b1"));
    }

    [Test]
    public void ShufflesWithinTiers_ButNeverAcrossThem()
    {
        var orders = Enumerable.Range(0, 40)
            .Select(seed => Scripted([["a", "b", "c", "d"], ["e", "f"]], [], new HashSet<string>(), seed).Tiers)
            .ToList();
        Assert.That(orders.Select(t => string.Concat(t[0])).Distinct().Count(), Is.GreaterThan(1), "the first tier is shuffled");
        Assert.That(orders.All(t => t[0].Order().SequenceEqual(["a", "b", "c", "d"]) && t[1].Order().SequenceEqual(["e", "f"])), Is.True);
    }

    [Test]
    public async Task MovesTheTrackerThatAnsweredToTheFrontOfItsTier()
    {
        var calls = new List<string>();
        var working = new HashSet<string>();
        using var multi = Scripted([["a", "b", "c"], ["z"]], calls, working);
        string last = multi.Tiers[0][^1];
        working.Add(last);

        await multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);
        Assert.That(multi.Tiers[0][0], Is.EqualTo(last));
        Assert.That(multi.Tiers[1], Is.EqualTo(new[] { "z" }));

        calls.Clear();
        await multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None);
        Assert.That(calls, Is.EqualTo(new[] { last }), "the next announce asks it first");
    }

    [Test]
    public async Task FallsThroughDeadTrackersOfEveryKindToAWorkingOne()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var error500 = new FakeHttpTracker(_ => FakeHttpTracker.Response("500 Internal Server Error", []));
        await using var garbage = new FakeHttpTracker(_ => FakeHttpTracker.Ok("garbage"));
        await using var refusal = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d14:failure reason7:go awaye"));
        await using var silentHttp = new FakeHttpTracker(_ => null);
        await using var silentUdp = new FakeUdpTracker(_ => []);
        string closed;
        await using (var gone = new FakeHttpTracker(_ => null))
            closed = gone.AnnounceUrl;

        string[] dead = [error500.AnnounceUrl, garbage.AnnounceUrl, refusal.AnnounceUrl, silentHttp.AnnounceUrl, silentUdp.AnnounceUrl, closed, "wss://t.example/announce", "not a url"];
        string good = server.HttpAnnounceUrl.ToString();
        using var multi = new MultiTracker([dead, [good]],
            url => TrackerClientFactory.Create(url, http, url == good ? TestRequests.PatientOptions : TestRequests.FastOptions));

        var response = await multi.AnnounceAsync(TestRequests.Announce(7201), CancellationToken.None);
        Assert.That(response.TrackerUrl, Is.EqualTo(good));
        Assert.That(response.Interval, Is.EqualTo(server.Interval));
    }

    [Test]
    public async Task PromotesAWorkingTrackerWithinItsTier()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var error500 = new FakeHttpTracker(_ => FakeHttpTracker.Response("500 Internal Server Error", []));
        string good = server.UdpAnnounceUrl!.ToString();
        // Seed 0 happens to put the good tracker last; whatever the order, it ends up first.
        using var multi = new MultiTracker([[error500.AnnounceUrl, good]], url => TrackerClientFactory.Create(url, http, TestRequests.PatientOptions), new Random(0));

        await multi.AnnounceAsync(TestRequests.Announce(7202), CancellationToken.None);
        Assert.That(multi.Tiers[0], Is.EqualTo(new[] { good, error500.AnnounceUrl }));
        int asked = error500.Requests.Count;
        await multi.AnnounceAsync(TestRequests.Announce(7202), CancellationToken.None);
        Assert.That(error500.Requests, Has.Count.EqualTo(asked), "the broken tracker is not asked again while the good one answers");
    }

    [Test]
    public async Task WhenAllFailTheErrorListsEachTracker()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await using var error500 = new FakeHttpTracker(_ => FakeHttpTracker.Response("500 Internal Server Error", []));
        await using var refusal = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d14:failure reason7:go awaye"));
        using var multi = new MultiTracker([[error500.AnnounceUrl], [refusal.AnnounceUrl, "udp://127.0.0.1:0/announce"]], http, TestRequests.FastOptions);

        var e = await TestRequests.FailureOf(() => multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Does.StartWith("all 3 trackers failed — "));
        Assert.That(e.Message, Does.Contain($"{error500.AnnounceUrl}: HTTP 500 Internal Server Error"));
        Assert.That(e.Message, Does.Contain($"{refusal.AnnounceUrl}: refused the announce: go away"));
        Assert.That(e.Message, Does.Contain("udp://127.0.0.1:0/announce: a UDP tracker URL needs a port"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public async Task OneTrackerFailingGivesItsOwnError()
    {
        using var http = new HttpClient();
        using var multi = new MultiTracker([["wss://t.example/announce"]], http);
        var e = await TestRequests.FailureOf(() => multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo("tracker wss://t.example/announce: unsupported tracker protocol \"wss\" (http, https and udp are supported)"));
    }

    [Test]
    public async Task NoTrackersIsAnError()
    {
        using var multi = Scripted([[], [""]], [], new HashSet<string>());
        var e = await TestRequests.FailureOf(() => multi.AnnounceAsync(TestRequests.Announce(1), CancellationToken.None));
        Assert.That(e.Message, Is.EqualTo("the torrent lists no trackers"));
    }
}
