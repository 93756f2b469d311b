using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Dht;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download.Dht;

/// <summary><see cref="DhtPeerSource"/>: lookups and announces for a torrent, and none at all for a private one (BEP 27).</summary>
[Stage(5)]
public class DhtPeerSourceTests
{
    private static readonly DhtPeerSourceOptions Often = new()
    {
        Interval = TimeSpan.FromMilliseconds(100),
        HungryInterval = TimeSpan.FromMilliseconds(100),
        AnnounceInterval = TimeSpan.FromMilliseconds(100),
    };
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    /// <summary>A complete seeder of a small torrent, listening on 127.0.0.1 (private or not).</summary>
    private async Task<TorrentEngine> SeederAsync(bool isPrivate, CancellationToken ct)
    {
        string data = Path.Combine(_folder, isPrivate ? "private.bin" : "public.bin");
        SamplePayload.WriteFile(data, 50_000, 9);
        var torrent = Torrent.Parse(new TorrentBuilder(data) { PieceLength = 16384, IsPrivate = isPrivate, CreationDate = null }.Build());
        return await TorrentEngine.StartAsync(torrent, data,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, ct);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task APublicTorrentIsLookedUpAndAnnouncedAPrivateOneNeverTouchesTheDht(bool isPrivate)
    {
        using var deadline = Deadline(30);
        await using var other = DhtNode.Start(DemoDht.NodeOptions);
        await using var ours = DhtNode.Start(DemoDht.NodeOptions);
        await ours.PingAsync(other.LocalEndPoint, deadline.Token);
        await using var seeder = await SeederAsync(isPrivate, deadline.Token);
        long before = ours.Statistics.QueriesSent;

        await using (var source = DhtPeerSource.Start(ours, seeder, Often))
        {
            if (isPrivate)
                await Task.Delay(1000, deadline.Token);   // ten intervals: a source that ignored BEP 27 would have asked by now
            else
                await WaitUntilAsync(() => source.Announces >= 2, deadline.Token);
            Assert.That(source.Lookups, isPrivate ? Is.Zero : Is.GreaterThanOrEqualTo(2));
        }
        Assert.That(ours.Statistics.QueriesSent - before, isPrivate ? Is.Zero : Is.Positive, "queries our node sent");
        if (!isPrivate)
        {
            await using var seeker = DhtNode.Start(DemoDht.NodeOptions);
            await seeker.PingAsync(other.LocalEndPoint, deadline.Token);
            var found = new List<IPEndPoint>();
            await seeker.FindPeersAsync(new NodeId(seeder.Torrent.InfoHash.Bytes), found.Add, null, deadline.Token);
            Assert.That(found, Is.EqualTo(new[] { seeder.ListenEndPoint! }), "the seeder's listen port was announced");
        }
    }
}
