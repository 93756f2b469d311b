using MeTorrent.Peer;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Demo;
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
        const int PieceLength = 64 * 1024, PiecesInMemory = 8;
        await using var swarm = await SwarmAsync(6 << 20, multiFile, PieceLength, seeders: 3, deadline.Token);
        var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(PiecesInMemory * PieceLength), deadline.Token);
        await using (engine)
        {
            await engine.Completion.WaitAsync(deadline.Token);
            Assert.That(engine.Stats.PeakPeers, Is.EqualTo(3), "every seeder from the tracker was used");
            Assert.That(engine.Stats.PiecesFailed, Is.Zero);
        }
        var buffers = engine.PieceBuffers;
        // Blocks are reused: memory is bounded by the pieces in flight (twice: in endgame a block is asked of two peers), not by
        // the torrent; and each connection keeps a few spare blocks for the pieces its next read may bring.
        Assert.That(buffers.PeakBytes, Is.LessThanOrEqualTo(DownloadState.MaxEndgameRequesters * PiecesInMemory * PieceLength
            + engine.Stats.PeakPeers * PeerConnection.SpareBlocks * Blocks.Size));
        Assert.That(buffers.Rented * buffers.BufferLength, Is.GreaterThanOrEqualTo(swarm.Torrent.TotalLength));
        Assert.That(buffers.InUse, Is.Zero, "every piece buffer came back");
        // Pieces are received straight into their blocks: only bytes that came with a message before them (an
        // unchoke, say) are copied out of a read buffer.
        Assert.That(engine.Stats.BlockBytesStraight, Is.GreaterThan(9 * engine.Stats.BlockBytesCopied), "at least 90% received straight");
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
        // The bad peers first, alone: the liar must show its colours before the honest peers finish the job.
        var peers = new[] { liar.ListenEndPoint!, quitter.ListenEndPoint!, choker.ListenEndPoint! };

        await using (var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(peers), deadline.Token))
        {
            await WaitUntilAsync(() => engine.BannedPeers.Count > 0, deadline.Token);
            foreach (var peer in honest)
                engine.AddPeer(peer);
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

            // The next downloader knows only the first one, which now serves what it downloaded. The seeder
            // leaves first: the first downloader would name it in PEX (BEP 11), and a second downloader that
            // fetched everything from it before the first one unchoked it would fail the upload check.
            await swarm.Seeders[0].DisposeAsync();
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

/// <summary>Peers that cost only time: one that never unchokes, one that accepts requests and never answers.</summary>
[Stage(5)]
public class UnhelpfulPeerTests
{
    [TestCase(nameof(SeederQuirk.NeverUnchoke), "kept us choked")]
    [TestCase(nameof(SeederQuirk.Silent), "sent nothing for")]
    public async Task IsDroppedAndItsBlocksGoToAnotherPeer(string behaviour, string reason)
    {
        var quirk = Enum.Parse<SeederQuirk>(behaviour);
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, 64 * 1024, seeders: 0, deadline.Token);
        var bad = await swarm.AddSeederAsync(quirk, deadline.Token);
        var slow = await swarm.AddSeederAsync(SeederQuirk.Slow, deadline.Token);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new EngineOptions
        {
            Peers = [bad.ListenEndPoint!],
            UseTrackers = false,
            StallTimeout = TimeSpan.FromSeconds(1),
            ChokeTimeout = TimeSpan.FromSeconds(1),
            RetryDelay = TimeSpan.FromSeconds(30),
            Log = log.Enqueue,
        };
        await using (var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, options, deadline.Token))
        {
            // Alone with the bad peer, the engine must give up on it by itself ...
            await WaitUntilAsync(() => log.Any(line => line.Contains(bad.ListenEndPoint!.ToString()) && line.Contains(reason)), deadline.Token);
            await WaitUntilAsync(() => engine.Stats.ConnectedPeers == 0, deadline.Token);
            // ... and the blocks it held go to the next peer.
            engine.AddPeer(slow.ListenEndPoint!);
            await engine.Completion.WaitAsync(deadline.Token);
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True);
        Assert.That(bad.Stats.BlocksUploaded, Is.Zero);
    }
}
