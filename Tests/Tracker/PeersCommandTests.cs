using System.Net;
using MeTorrent.Download;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>`metorrent peers`, run in-process against trackers on 127.0.0.1.</summary>
[Stage(3)]
public class PeersCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("metorrent-peers-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = await Program.RunAsync(args, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    [Test]
    public async Task PrintsEachPeerAsIpColonPort()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        string torrent = TestTorrents.Write(_dir, [[server.HttpAnnounceUrl.ToString()]]);
        var infoHash = TestTorrents.Read(torrent).InfoHash;
        using var udp = new UdpTrackerClient(server.UdpAnnounceUrl!);
        await udp.AnnounceAsync(TestRequests.Announce(7401, infoHash), CancellationToken.None);
        await udp.AnnounceAsync(TestRequests.Announce(7402, infoHash), CancellationToken.None);

        var (exit, output, errors) = await RunAsync("peers", torrent);

        Assert.That((exit, errors), Is.EqualTo((0, "")));
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "127.0.0.1:7401", "127.0.0.1:7402" }));
        Assert.That(server.PeerCount(infoHash), Is.EqualTo(3), "we stay registered: no stopped announce follows");
    }

    [Test]
    public async Task AnnouncesStartedWithTheWholeTorrentLeftOnPort6881()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d8:intervali60e5:peers0:e"));
        string torrent = TestTorrents.Write(_dir, [[fake.AnnounceUrl]], length: 123_456);

        Assert.That((await RunAsync("peers", torrent)).Exit, Is.EqualTo(0));
        Assert.That((await RunAsync("peers", "--port", "5555", torrent)).Exit, Is.EqualTo(0));

        Assert.That(fake.Requests[0], Does.Contain("&port=6881&").And.Contain("&left=123456&").And.Contain("&event=started&"));
        Assert.That(fake.Requests[0], Does.Contain("&peer_id=-MT0001-"));
        Assert.That(fake.Requests[1], Does.Contain("&port=5555&"));
    }

    [Test]
    public async Task FallsBackAlongTheAnnounceList()
    {
        await using var server = await TrackerServer.StartAsync(IPAddress.Loopback, 0, CancellationToken.None);
        await using var broken = new FakeHttpTracker(_ => FakeHttpTracker.Response("503 Service Unavailable", []));
        string torrent = TestTorrents.Write(_dir, [[broken.AnnounceUrl], [server.UdpAnnounceUrl!.ToString()]]);

        var (exit, _, errors) = await RunAsync("peers", torrent);
        Assert.That((exit, errors), Is.EqualTo((0, "")));
        Assert.That(server.PeerCount(TestTorrents.Read(torrent).InfoHash), Is.EqualTo(1));
    }

    [Test]
    public async Task ARefusalIsOneLineOnStderr()
    {
        await using var fake = new FakeHttpTracker(_ => FakeHttpTracker.Ok("d14:failure reason36:Requested download is not authorizede"));
        string torrent = TestTorrents.Write(_dir, [[fake.AnnounceUrl]]);

        var (exit, output, errors) = await RunAsync("peers", torrent);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(errors, Is.EqualTo($"metorrent peers: tracker {fake.AnnounceUrl}: refused the announce: Requested download is not authorized{Environment.NewLine}"));
    }

    [Test]
    public async Task ATorrentWithoutTrackersIsAUserError()
    {
        string torrent = TestTorrents.Write(_dir, []);
        var (exit, _, errors) = await RunAsync("peers", torrent);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.StartWith("metorrent peers: the torrent lists no trackers"));
    }

    [Test]
    public async Task ABadPortIsAUserError()
    {
        var (exit, _, errors) = await RunAsync("peers", "--port", "0", "x.torrent");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.StartWith("metorrent peers: option --port must be a whole number from 1 to 65535"));
    }
}
