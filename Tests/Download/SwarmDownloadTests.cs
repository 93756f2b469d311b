using MeTorrent.Download.Engine;
using MeTorrent.Download.Seeding;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>Whole downloads from seeders in this process (our tracker and engines on 127.0.0.1), honest and not.</summary>
[Stage(5)]
public class SwarmDownloadTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task DownloadsFromHonestSeedersThroughTheTracker(bool multiFile)
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(6 << 20, multiFile, 64 * 1024, seeders: 3, deadline.Token);
        await using (var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(), deadline.Token))
        {
            await engine.Completion.WaitAsync(deadline.Token);
            Assert.That(engine.Stats.PeakPeers, Is.EqualTo(3), "every seeder from the tracker was used");
            Assert.That(engine.Stats.PiecesFailed, Is.Zero);
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True, "byte-exact copy");
        if (multiFile)
        {
            Assert.That(File.Exists(Path.Combine(swarm.DownloadPath, "empty.txt")), Is.True, "zero-length file created");
            Assert.That(Directory.Exists(Path.Combine(swarm.DownloadPath, ".pad")), Is.False, "padding files are never written");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CompletesDespiteLiarsQuittersAndChokersAndBansTheLiar(bool multiFile)
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(8 << 20, multiFile, 64 * 1024, seeders: 2, deadline.Token);
        var liar = await swarm.AddSeederAsync(SeederQuirk.CorruptBlocks, deadline.Token);
        var quitter = await swarm.AddSeederAsync(SeederQuirk.DisconnectMidPiece, deadline.Token);
        var choker = await swarm.AddSeederAsync(SeederQuirk.NeverUnchoke, deadline.Token);
        var honest = swarm.Seeders.Where(s => s != liar && s != quitter && s != choker).Select(s => s.ListenEndPoint!).ToArray();
        // The liar first: it gets the first pieces, so it surely sends bad data before the honest peers finish the job.
        var peers = new[] { liar.ListenEndPoint!, quitter.ListenEndPoint!, choker.ListenEndPoint! }.Concat(honest).ToArray();

        await using (var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(peers), deadline.Token))
        {
            await engine.Completion.WaitAsync(deadline.Token);
            Assert.That(engine.BannedPeers, Does.Contain(liar.ListenEndPoint), "the liar is banned");
            Assert.That(engine.BannedPeers, Has.None.AnyOf(honest), "honest peers are not banned");
            Assert.That(engine.Stats.PiecesFailed, Is.GreaterThanOrEqualTo(2), "the liar's pieces failed their hash check");
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True, "byte-exact copy despite the bad data");
        Assert.That(quitter.Stats.BlocksUploaded, Is.GreaterThan(0), "the quitter did take part before leaving");
        Assert.That(choker.Stats.BlocksUploaded, Is.Zero);
    }

    [Test]
    public async Task AFinishedDownloadServesTheNextPeer()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(2 << 20, multiFile: true, 32 * 1024, seeders: 1, deadline.Token);
        string folder = TempFolder();
        try
        {
            var listening = new EngineOptions
            {
                Peers = [swarm.Seeders[0].ListenEndPoint!],
                UseTrackers = false,
                ListenPort = 0,
                ListenAddress = System.Net.IPAddress.Loopback,
            };
            await using var first = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, listening, deadline.Token);
            await first.Completion.WaitAsync(deadline.Token);

            // The next downloader knows only the first one, which now serves what it downloaded.
            await using (var second = await TorrentEngine.StartAsync(swarm.Torrent, folder, FastOptions(first.ListenEndPoint!), deadline.Token))
                await second.Completion.WaitAsync(deadline.Token);
            Assert.That(swarm.Verify(folder), Is.True);
            Assert.That(first.Stats.BytesUploaded, Is.EqualTo(swarm.Torrent.TotalLength - PaddingBytes(swarm)).Or.EqualTo(swarm.Torrent.TotalLength));
        }
        finally
        {
            Delete(folder);
        }
    }

    private static long PaddingBytes(MeTorrent.Download.Demo.DemoSwarm swarm) => swarm.Torrent.Files.Where(f => f.IsPadding).Sum(f => f.Length);
}
