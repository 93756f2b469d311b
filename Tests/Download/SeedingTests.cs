using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Download;

/// <summary>Our engine as an uploader, seen from a raw peer connection: it serves only what it should.</summary>
[Stage(5)]
public class SeedingTests
{
    private const int PieceLength = 64 * 1024;

    /// <summary>An engine that holds the first half of the sample (copied from the swarm's seed files) and listens.</summary>
    private static async Task<TorrentEngine> HalfSeederAsync(MeTorrent.Download.Demo.DemoSwarm swarm, CancellationToken ct)
    {
        string path = swarm.DownloadPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = File.ReadAllBytes(swarm.Content.Root);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        return await TorrentEngine.StartAsync(swarm.Torrent, path,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, ct);
    }

    private static Task<PeerConnection> ConnectAsync(TorrentEngine engine, CancellationToken ct) =>
        PeerConnection.ConnectAsync(engine.ListenEndPoint!, engine.Torrent.InfoHash, PeerId.Generate(),
            new PeerConnectionOptions { PieceCount = engine.Torrent.PieceCount }, ct);

    private static async Task<PeerMessage> NextAsync(PeerConnection peer, MessageId wanted, CancellationToken ct)
    {
        while (true)
        {
            var message = await peer.ReceiveAsync(ct);
            if (message.Id == wanted) return message;
        }
    }

    [Test]
    public async Task ServesHeldPiecesOnlyAfterUnchokingAndRejectsTheRest()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, PieceLength, seeders: 0, deadline.Token);
        await using var seeder = await HalfSeederAsync(swarm, deadline.Token);
        int held = seeder.PiecesHave;
        Assert.That(held, Is.InRange(1, swarm.Torrent.PieceCount - 1));
        await using var peer = await ConnectAsync(seeder, deadline.Token);
        var source = File.ReadAllBytes(swarm.Content.Root);

        await NextAsync(peer, MessageId.Bitfield, deadline.Token);
        Assert.That(peer.PeerPieces.SetCount, Is.EqualTo(held), "the bitfield lists exactly the pieces on disk");

        var early = new BlockRequest(0, 0, 16384);
        await peer.SendRequestsAsync([early], deadline.Token);
        var rejected = await NextAsync(peer, MessageId.Reject, deadline.Token);
        Assert.That((rejected.Index, rejected.Begin), Is.EqualTo((0, 0)), "no data before unchoking");

        await peer.SendInterestedAsync(deadline.Token);
        await NextAsync(peer, MessageId.Unchoke, deadline.Token);
        await peer.SendRequestsAsync([new BlockRequest(1, 16384, 16384)], deadline.Token);
        var block = await NextAsync(peer, MessageId.Piece, deadline.Token);
        Assert.That(block.Payload.ToArray(), Is.EqualTo(source.AsSpan(PieceLength + 16384, 16384).ToArray()));

        var missing = new BlockRequest(swarm.Torrent.PieceCount - 1, 0, 16384);
        await peer.SendRequestsAsync([missing], deadline.Token);
        rejected = await NextAsync(peer, MessageId.Reject, deadline.Token);
        Assert.That(rejected.Index, Is.EqualTo(missing.Piece), "a piece it does not have is rejected");
        Assert.That(seeder.Stats.BlocksUploaded, Is.EqualTo(1));
    }

    [Test]
    public async Task AQuietPeerHearsOfNewPiecesWithoutSpeakingFirst()
    {
        // BEP 3: a downloader that completes a piece sends have to every peer, not only to those that talk to it.
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, PieceLength, seeders: 1, deadline.Token);
        await using var leecher = await HalfSeederAsync(swarm, deadline.Token);
        await using var quiet = await ConnectAsync(leecher, deadline.Token);
        await NextAsync(quiet, MessageId.Bitfield, deadline.Token);
        var before = Bitfield.FromBytes(quiet.PeerPieces.ToBytes(), quiet.PeerPieces.Count);

        leecher.AddPeer(swarm.Seeders[0].ListenEndPoint!);   // now it fetches the second half
        using var soon = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        soon.CancelAfter(TimeSpan.FromSeconds(10));
        PeerMessage have;
        try
        {
            have = await NextAsync(quiet, MessageId.Have, soon.Token);
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            Assert.Fail($"no have within 10 s although the leecher now holds {leecher.PiecesHave} of {leecher.Torrent.PieceCount} pieces");
            return;
        }
        Assert.That(before[have.Index], Is.False, "a have names a piece the bitfield did not");
    }

    [Test]
    public async Task ARequestBeyondThePieceEndCostsThePeerItsConnection()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, PieceLength, seeders: 0, deadline.Token);
        await using var seeder = await HalfSeederAsync(swarm, deadline.Token);
        await using var peer = await ConnectAsync(seeder, deadline.Token);
        await peer.SendInterestedAsync(deadline.Token);
        await NextAsync(peer, MessageId.Unchoke, deadline.Token);

        await peer.SendRequestsAsync([new BlockRequest(0, PieceLength - 100, 16384)], deadline.Token);
        Assert.That(async () => await NextAsync(peer, MessageId.Piece, deadline.Token),
            Throws.InstanceOf<EndOfStreamException>().Or.InstanceOf<IOException>());
        Assert.That(seeder.Stats.BlocksUploaded, Is.Zero);
    }
}
