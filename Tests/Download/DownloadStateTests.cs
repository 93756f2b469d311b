using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>Block bookkeeping: who asked for what, what comes back, endgame and blame.</summary>
[Stage(5)]
public class DownloadStateTests
{
    private const int PieceLength = 4 * Blocks.Size;
    private string _folder = "";
    private Torrent _torrent = null!;

    [SetUp]
    public void MakeTorrent()
    {
        _folder = SwarmHelpers.TempFolder();
        string path = Path.Combine(_folder, "data.bin");
        long length = 3 * PieceLength + Blocks.Size + 100;   // 4 pieces, the last of 2 blocks (one short)
        SamplePayload.WriteFile(path, length, 7);
        _torrent = Torrent.Parse(SwarmHelpers.TorrentFor(path, PieceLength));
    }

    [TearDown]
    public void Clean() => SwarmHelpers.Delete(_folder);

    private static PeerRecord NewPeer(int port) => new(new IPEndPoint(IPAddress.Loopback, port));

    private Bitfield All()
    {
        var bits = new Bitfield(_torrent.PieceCount);
        bits.SetAll();
        return bits;
    }

    private DownloadState NewState(out Bitfield seeder)
    {
        var state = new DownloadState(_torrent, new Bitfield(_torrent.PieceCount), random: new Random(3));
        seeder = All();
        state.PeerHasAll(seeder);
        return state;
    }

    private static byte[] Block(int length) => new byte[length];

    [Test]
    public void APeerFinishesItsPieceBeforeStartingAnother()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[6];
        int count = state.PickRequests(peer, pieces, requests);
        Assert.That(count, Is.EqualTo(6));
        Assert.That(requests.Take(4).Select(r => r.Piece).Distinct().Count(), Is.EqualTo(1), "the first four blocks are one whole piece");
        Assert.That(requests.Take(4).Select(r => r.Begin), Is.EqualTo(new[] { 0, 16384, 32768, 49152 }));
        Assert.That(requests.All(r => r.Length == 16384 || r.Piece == _torrent.PieceCount - 1));
    }

    [Test]
    public void TheLastBlockOfTheTorrentIsShort()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[20];
        int count = state.PickRequests(peer, pieces, requests);
        Assert.That(count, Is.EqualTo(14), "4 + 4 + 4 + 2 blocks");
        var last = requests.Take(count).Single(r => r.Piece == 3 && r.Begin == Blocks.Size);
        Assert.That(last.Length, Is.EqualTo(100));
    }

    [Test]
    public void ACompletedPieceIsReturnedOnceAllItsBlocksArrive()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[4];
        state.PickRequests(peer, pieces, requests);
        var cancels = new List<(PeerRequests, BlockRequest)>();
        InFlightPiece? done = null;
        foreach (var r in requests)
        {
            Assert.That(done, Is.Null);
            done = state.BlockReceived(peer, r.Piece, r.Begin, Block(r.Length), cancels);
        }
        Assert.That(done, Is.Not.Null);
        Assert.That(done!.Index, Is.EqualTo(requests[0].Piece));
        Assert.That(peer.Outstanding, Is.Empty);

        state.PieceChecked(done, good: true);
        Assert.That(state.Has(requests[0].Piece), Is.True);
    }

    [Test]
    public void BlocksDroppedByAChokeGoToTheNextPeer()
    {
        var state = NewState(out var pieces);
        var choker = state.AddPeer(NewPeer(1));
        var other = state.AddPeer(NewPeer(2));
        var chokersBlocks = new BlockRequest[4];
        Assert.That(state.PickRequests(choker, pieces, chokersBlocks), Is.EqualTo(4));
        var othersBlocks = new BlockRequest[14];
        Assert.That(state.PickRequests(other, pieces, othersBlocks), Is.EqualTo(10), "every block but the choker's");
        Assert.That(othersBlocks.Take(10).Intersect(chokersBlocks), Is.Empty);

        state.ReleaseAll(choker);   // it choked us
        var again = new BlockRequest[14];
        Assert.That(state.PickRequests(other, pieces, again), Is.EqualTo(4));
        Assert.That(again.Take(4), Is.EquivalentTo(chokersBlocks));
    }

    [Test]
    public void APeerThatHasLeftIsHandedNoBlocks()
    {
        // The housekeeping's top-up can race with the end of a connection's task.
        var state = NewState(out var pieces);
        var gone = state.AddPeer(NewPeer(1));
        state.RemovePeer(gone, pieces);
        var late = new BlockRequest[14];
        Assert.That(state.PickRequests(gone, pieces, late), Is.Zero, "nothing is handed to a connection that has ended");
        Assert.That(state.TopUp(gone, pieces, 14, late), Is.Zero);
        Assert.That(gone.Outstanding, Is.Empty);

        var other = state.AddPeer(NewPeer(2));
        var all = new BlockRequest[14];
        Assert.That(state.PickRequests(other, pieces, all), Is.EqualTo(14), "every block is still free for the peers that remain");
    }

    [Test]
    public void EndgameRequestsTheLastBlocksTwiceAndCancelsTheLoser()
    {
        var state = NewState(out var pieces);
        var slow = state.AddPeer(NewPeer(1));
        var fast = state.AddPeer(NewPeer(2));
        var all = new BlockRequest[14];
        state.PickRequests(slow, pieces, all);
        Assert.That(state.InEndgame, Is.True, "every block is requested");
        var duplicates = new BlockRequest[14];
        int count = state.PickRequests(fast, pieces, duplicates);
        Assert.That(count, Is.EqualTo(14), "in endgame the same blocks are asked of another peer");
        var cancels = new List<(PeerRequests Peer, BlockRequest Request)>();
        state.BlockReceived(fast, duplicates[0].Piece, duplicates[0].Begin, Block(duplicates[0].Length), cancels);
        Assert.That(cancels, Has.Count.EqualTo(1));
        Assert.That(cancels[0].Peer, Is.SameAs(slow));
        Assert.That(cancels[0].Request, Is.EqualTo(duplicates[0]));
        Assert.That(slow.Outstanding.Keys, Does.Not.Contain(duplicates[0]));
        Assert.That(state.PickRequests(fast, pieces, new BlockRequest[14]), Is.Zero, "no third copy of a block");
    }

    [Test]
    public void RequestsAPeerIgnoresWhileSendingOthersAreReleased()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[3];
        state.PickRequests(peer, pieces, requests);
        foreach (var request in requests)
            peer.Outstanding[request] = 1000;                 // all sent at t = 1 s
        var cancels = new List<(PeerRequests, BlockRequest)>();
        state.BlockReceived(peer, requests[1].Piece, requests[1].Begin, Block(requests[1].Length), cancels);
        var released = new List<BlockRequest>();
        state.ReleaseForgotten(peer, TimeSpan.FromSeconds(5), Environment.TickCount64 + 10_000, released);
        Assert.That(released, Is.EquivalentTo(new[] { requests[0], requests[2] }));
        Assert.That(peer.Outstanding, Is.Empty);
        var again = new BlockRequest[3];
        Assert.That(state.PickRequests(peer, pieces, again), Is.EqualTo(3), "asked again (here of the same peer, which owns the piece)");
        Assert.That(again, Does.Contain(requests[0]).And.Contain(requests[2]));
    }

    [Test]
    public void ADuplicateOrUnknownBlockIsIgnored()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[1];
        state.PickRequests(peer, pieces, requests);
        var cancels = new List<(PeerRequests, BlockRequest)>();
        var r = requests[0];
        state.BlockReceived(peer, r.Piece, r.Begin, Block(r.Length), cancels);
        Assert.That(state.BlockReceived(peer, r.Piece, r.Begin, Block(r.Length), cancels), Is.Null);
        Assert.That(state.BlockReceived(peer, r.Piece, 100, Block(r.Length), cancels), Is.Null, "misaligned");
        Assert.That(state.BlockReceived(peer, (r.Piece + 1) % 4, 0, Block(r.Length), cancels), Is.Null, "piece not in flight");
    }

    [Test]
    public void AFailedPieceIsFetchedAgainAndARepeatOffenderIsBanned()
    {
        var state = NewState(out var pieces);
        var liar = state.AddPeer(NewPeer(1));
        var cancels = new List<(PeerRequests, BlockRequest)>();
        IReadOnlyList<PeerRecord> banned = [];
        for (int round = 0; round < 2; round++)
        {
            var requests = new BlockRequest[4];
            Assert.That(state.PickRequests(liar, pieces, requests), Is.EqualTo(4));
            InFlightPiece? done = null;
            foreach (var r in requests)
                done = state.BlockReceived(liar, r.Piece, r.Begin, Block(r.Length), cancels);
            banned = state.PieceChecked(done!, good: false);
            Assert.That(state.Has(done!.Index), Is.False);
            if (round == 0) Assert.That(banned, Is.Empty, "one bad piece may be bad luck");
        }
        Assert.That(banned, Is.EqualTo(new[] { liar.Record }));
        Assert.That(liar.Record.FailedPieces, Is.EqualTo(2));
        Assert.That(state.BytesLeft, Is.EqualTo(_torrent.TotalLength), "nothing counted");
        Assert.That(state.PieceBuffers.InUse, Is.Zero, "a failed piece's buffer is given back too");
    }

    [Test]
    public void AnHonestPeerThatSharedPiecesWithALiarIsNotBanned()
    {
        // Two pieces, each half from an honest peer and half from a liar, fail; fetched again they pass.
        var state = NewState(out var pieces);
        var honest = state.AddPeer(NewPeer(1));
        var liar = state.AddPeer(NewPeer(2));
        var cancels = new List<(PeerRequests, BlockRequest)>();
        var failed = new List<int>();
        var bannedAfterFailures = new List<PeerRecord>();
        for (int round = 0; round < 2; round++)
        {
            var requests = new BlockRequest[4];
            Assert.That(state.PickRequests(honest, pieces, requests), Is.EqualTo(4));
            InFlightPiece? done = null;
            for (int i = 0; i < 4; i++)
            {
                var r = requests[i];
                var from = i < 2 ? honest : liar;   // unrequested blocks of a piece in flight are taken from anyone
                var data = Block(r.Length);
                if (from == liar) data.AsSpan().Fill(0x5A);
                done = state.BlockReceived(from, r.Piece, r.Begin, data, cancels);
            }
            failed.Add(done!.Index);
            bannedAfterFailures.AddRange(state.PieceChecked(done, good: false));
        }
        Assert.That(bannedAfterFailures, Is.Empty, "a piece with several senders does not say who lied");
        Assert.That(honest.Record.FailedPieces, Is.Zero);

        var banned = new List<PeerRecord>();
        var third = state.AddPeer(NewPeer(3));
        var rest = new BlockRequest[14];
        int count = state.PickRequests(third, pieces, rest);
        Assert.That(rest.Take(count).Select(r => r.Piece).Distinct(), Is.SupersetOf(failed), "the failed pieces are fetched again");
        foreach (var r in rest.Take(count))
            if (state.BlockReceived(third, r.Piece, r.Begin, Block(r.Length), cancels) is { } done)
                banned.AddRange(state.PieceChecked(done, good: true));
        Assert.That(state.IsComplete, Is.True);
        Assert.That(banned, Is.EqualTo(new[] { liar.Record }), "the good copies show whose blocks were wrong");
        Assert.That(liar.Record.FailedPieces, Is.EqualTo(2));
        Assert.That(honest.Record.FailedPieces, Is.Zero, "the honest peer's blocks matched the good ones");
        Assert.That(state.PieceBuffers.InUse, Is.Zero);
    }

    [Test]
    public void PiecesInFlightStayWithinTheMemoryLimitAndReuseTheirBuffers()
    {
        const int Pieces = 12, Room = DownloadState.MinPiecesInFlight;
        string path = Path.Combine(_folder, "small.bin");
        SamplePayload.WriteFile(path, Pieces * Blocks.Size, 9);
        var torrent = Torrent.Parse(SwarmHelpers.TorrentFor(path, Blocks.Size));
        var state = new DownloadState(torrent, new Bitfield(Pieces), maxInFlightBytes: Room * Blocks.Size, random: new Random(1));
        var seeder = new Bitfield(Pieces);
        seeder.SetAll();
        state.PeerHasAll(seeder);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[Pieces];
        var cancels = new List<(PeerRequests, BlockRequest)>();

        Assert.That(state.PickRequests(peer, seeder, requests), Is.EqualTo(Room), "one-block pieces: no room for a fifth");
        Assert.That(state.TakeRoomMade(), Is.False, "nothing has left memory yet");
        for (int verified = 1; verified <= Pieces; verified++)
        {
            var next = peer.Outstanding.Keys.First();
            var done = state.BlockReceived(peer, next.Piece, next.Begin, Block(next.Length), cancels);
            state.PieceChecked(done!, good: true);
            if (verified == 1)
                Assert.That(state.TakeRoomMade(), Is.True, "a verified piece makes room: the peers are woken");
            state.PickRequests(peer, seeder, requests);
            Assert.That(state.InFlightCount, Is.LessThanOrEqualTo(Room));
        }

        Assert.That(state.IsComplete, Is.True);
        var buffers = state.PieceBuffers;
        Assert.That(buffers.Created, Is.LessThanOrEqualTo(Room), "a few blocks served all twelve pieces");
        Assert.That(buffers.Rented, Is.EqualTo(Pieces));
        Assert.That(buffers.InUse, Is.Zero);
    }

    [Test]
    public void TheFreeBlockCountFollowsEveryRequestReleaseAndArrival()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[6];
        Assert.That(state.PickRequests(peer, pieces, requests), Is.EqualTo(6));
        Assert.That(state.FreeBlocksInFlight, Is.EqualTo(2), "two pieces started (8 blocks), 6 asked for");

        state.Release(peer, requests[5]);
        Assert.That(state.FreeBlocksInFlight, Is.EqualTo(3), "a released block is free again");
        var cancels = new List<(PeerRequests, BlockRequest)>();
        for (int i = 0; i < 4; i++)
            state.BlockReceived(peer, requests[i].Piece, requests[i].Begin, Block(requests[i].Length), cancels);
        Assert.That(state.FreeBlocksInFlight, Is.EqualTo(3), "arrivals of blocks asked for change nothing");

        var other = state.AddPeer(NewPeer(2));
        var rest = new BlockRequest[14];
        Assert.That(state.PickRequests(other, pieces, rest), Is.EqualTo(9), "3 free blocks, and the 6 of the last two pieces");
        Assert.That(state.FreeBlocksInFlight, Is.Zero);
        state.ReleaseAll(other);
        Assert.That(state.FreeBlocksInFlight, Is.EqualTo(9));
        state.ReleaseBuffers();
        Assert.That(state.FreeBlocksInFlight, Is.Zero, "pieces dropped at the stop no longer count");
    }

    [Test]
    public void WithNoRoomAndNoFreeBlockAPeerGetsNothingUntilABlockIsReleased()
    {
        const int Pieces = 12, PieceBlocks = 2, Room = DownloadState.MinPiecesInFlight;
        string path = Path.Combine(_folder, "twelve.bin");
        SamplePayload.WriteFile(path, Pieces * PieceBlocks * Blocks.Size, 5);
        var torrent = Torrent.Parse(SwarmHelpers.TorrentFor(path, PieceBlocks * Blocks.Size));
        var state = new DownloadState(torrent, new Bitfield(Pieces), maxInFlightBytes: Room * PieceBlocks * Blocks.Size, random: new Random(3));
        var pieces = new Bitfield(Pieces);
        pieces.SetAll();
        state.PeerHasAll(pieces);
        var first = state.AddPeer(NewPeer(1));
        var second = state.AddPeer(NewPeer(2));
        var asked = new BlockRequest[Pieces * PieceBlocks];
        Assert.That(state.PickRequests(first, pieces, asked), Is.EqualTo(Room * PieceBlocks), "every block of the pieces memory allows");
        var none = new BlockRequest[Pieces * PieceBlocks];
        Assert.That(state.TopUp(second, pieces, none.Length, none), Is.Zero, "nothing free, no room");
        Assert.That(state.TopUp(second, pieces, none.Length, none), Is.Zero, "still nothing");

        state.Release(first, asked[3]);
        Assert.That(state.TopUp(second, pieces, none.Length, none), Is.EqualTo(1), "the released block goes to the next peer that asks");
        Assert.That(none[0], Is.EqualTo(asked[3]));
    }

    [Test]
    public void StoppingGivesBackTheBuffersOfUnfinishedPieces()
    {
        var state = NewState(out var pieces);
        var peer = state.AddPeer(NewPeer(1));
        var requests = new BlockRequest[6];
        state.PickRequests(peer, pieces, requests);
        state.BlockReceived(peer, requests[0].Piece, requests[0].Begin, Block(requests[0].Length), []);
        Assert.That(state.PieceBuffers.InUse, Is.EqualTo(1), "the block received is held by its piece");

        state.ReleaseBuffers();
        Assert.That(state.PieceBuffers.InUse, Is.Zero);
        Assert.That(state.InFlightCount, Is.Zero);
        Assert.That(state.BlockReceived(peer, requests[1].Piece, requests[1].Begin, Block(requests[1].Length), []), Is.Null,
            "a block arriving after the stop is ignored, not written into a returned buffer");
    }
}
