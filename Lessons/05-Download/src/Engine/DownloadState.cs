// Lesson 05-Download: generated from Download/Engine/DownloadState.cs by Lessons/tools. Your file: do the TODOs.
using System.Security.Cryptography;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// The shared bookkeeping of a download: which pieces we have, which are in flight, and which blocks
/// each connection has asked for. Only the torrent's loop calls in here (one owner), so it needs no lock.
/// </summary>
public sealed partial class DownloadState
{
    /// <summary>The most blocks a single block may be requested from at once, in endgame.</summary>
    public const int MaxEndgameRequesters = 2;

    private readonly Torrent _torrent;
    private readonly PiecePicker _picker;
    private readonly Bitfield _have;
    private readonly Dictionary<int, InFlightPiece> _inFlight = [];
    private readonly FreeBlockCount _freeBlocks = new();   // over every piece in _inFlight
    private readonly Dictionary<int, List<SuspectBlock>> _suspectBlocks = [];   // failed pieces with several senders
    private readonly List<PeerRequests> _peers = [];
    private readonly long _maxInFlightBytes;
    private readonly BlockPool _buffers;
    private bool _waitingForRoom;
    private long _bytesLeft;

    /// <summary>The fewest pieces allowed in flight whatever <c>maxInFlightBytes</c> says: some arrive while others are verified.</summary>
    public const int MinPiecesInFlight = 4;

    /// <param name="blocks">where the blocks of the pieces in flight come from and go back to (shared with the connections' readers)</param>
    public DownloadState(Torrent torrent, Bitfield have, long maxInFlightBytes = EngineOptions.DefaultMaxInFlightBytes, Random? random = null,
        BlockPool? blocks = null)
    {
        _torrent = torrent;
        _have = have;
        _picker = new PiecePicker(have, random);
        _maxInFlightBytes = Math.Max(maxInFlightBytes, (long)MinPiecesInFlight * torrent.PieceLength);
        _buffers = blocks ?? new BlockPool();
        for (int i = 0; i < have.Count; i++)
            if (!have[i]) _bytesLeft += torrent.PieceSize(i);
    }

    public bool IsComplete => _have.IsComplete;

    public long BytesLeft => _bytesLeft;

    public int HaveCount => _have.SetCount;

    public int InFlightCount => _inFlight.Count;

    /// <summary>Blocks of the pieces in flight that nobody has been asked for and that have not arrived.</summary>
    public int FreeBlocksInFlight => _freeBlocks.Value;

    public PieceBufferCounts PieceBuffers => _buffers.Counts;

    /// <summary>Where blocks come from and go back to.</summary>
    public BlockPool BlockPool => _buffers;

    /// <summary>True once every missing piece has been started: duplicate requests are allowed then.</summary>
    public bool InEndgame => IsEndgame();

    public bool Has(int piece) => _have[piece];

    public Bitfield SnapshotHave() => Bitfield.FromBytes(_have.ToBytes(), _have.Count);

    /// <summary>What the piece map shows of a piece (demo --map).</summary>
    public PieceMark MarkOf(int piece)
    {
        if (_have[piece]) return PieceMark.Verified;
        if (_picker.HasFailed(piece)) return PieceMark.Failed;
        if (_picker.StatusOf(piece) == PieceStatus.Verifying) return PieceMark.Verifying;
        if (_inFlight.TryGetValue(piece, out var inFlight)) return inFlight.ReceivedCount > 0 ? PieceMark.Received : PieceMark.Requested;
        return PieceMark.Missing;
    }

    /// <summary>How many connected peers have the piece.</summary>
    public int Availability(int piece) => _picker.Availability(piece);

    /// <summary>Whether the peer has any piece we still need.</summary>
    public bool WantsAnythingFrom(Bitfield peerPieces)
    {
        for (int i = 0; i < peerPieces.Count; i++)
            if (peerPieces[i] && !_have[i]) return true;
        return false;
    }

    /// <summary>A connection joined: its part of the ledger. (A <see cref="PeerState"/> brings its own: <see cref="AddPeer(PeerRequests)"/>.)</summary>
    public PeerRequests AddPeer(PeerRecord record) => AddPeer(new PeerRequests(record));

    public PeerRequests AddPeer(PeerRequests peer)
    {
        _peers.Add(peer);
        return peer;
    }

    /// <summary>A connection ended: its requests go back to the pool, its pieces lose their owner, its pieces no longer count as available.</summary>
    public void RemovePeer(PeerRequests peer, Bitfield? peerPieces)
    {
        ReleaseAllRequests(peer);
        peer.HasLeft = true;
        _peers.Remove(peer);
        foreach (var piece in _inFlight.Values)
            if (piece.Owner == peer) piece.Owner = null;
        if (peerPieces is not null) _picker.PeerLeft(peerPieces);
    }

    public void PeerHas(int piece) => _picker.PeerHas(piece);

    public void PeerHasAll(Bitfield pieces) => _picker.PeerHasAll(pieces);

    /// <summary>Requests dropped by a choke, a reject or a stall: the blocks become free for anyone.</summary>
    public void ReleaseAll(PeerRequests peer) => ReleaseAllRequests(peer);

    public void Release(PeerRequests peer, BlockRequest request)
    {
        if (peer.Outstanding.Remove(request) && _inFlight.TryGetValue(request.Piece, out var piece))
            piece.RemoveRequest(request.Begin / Blocks.Size);
    }

    /// <summary>
    /// A block arrived, as bytes to copy (tests, benchmarks): see the other overload.
    /// </summary>
    public InFlightPiece? BlockReceived(PeerRequests peer, int index, int begin, ReadOnlySpan<byte> data, List<(PeerRequests Peer, BlockRequest Request)> cancels)
    {
        if (data.Length > Blocks.Size)
            return null;
        var block = _buffers.Rent();
        data.CopyTo(block);
        var piece = BlockReceived(peer, index, begin, block, data.Length, cancels, out bool taken);
        if (!taken)
            _buffers.Return(block);
        return piece;
    }

    /// <summary>
    /// A block arrived, in an array from the <see cref="BlockPool"/>: if the piece still needs it, the array
    /// becomes part of the piece (<paramref name="taken"/>; otherwise the caller gives it back). Returns the
    /// piece if this block completed it (hash it, then call <see cref="PieceChecked"/>); adds to
    /// <paramref name="cancels"/> the same block outstanding at other peers (endgame), which the caller
    /// should cancel.
    /// </summary>
    public InFlightPiece? BlockReceived(PeerRequests peer, int index, int begin, byte[] data, int length,
        List<(PeerRequests Peer, BlockRequest Request)> cancels, out bool taken)
    {
        taken = false;
        var request = new BlockRequest(index, begin, length);
        bool wasOutstanding = peer.Outstanding.Remove(request);
        if (!_inFlight.TryGetValue(index, out var piece) || begin % Blocks.Size != 0)
            return null;
        int block = begin / Blocks.Size;
        if (block >= piece.BlockCount || piece.BlockLength(block) != length)
            return null;
        if (wasOutstanding)
            piece.RemoveRequest(block);
        peer.LastBlockTicks = Environment.TickCount64;
        if (!piece.Receive(block, data, peer.Record))
            return null;
        taken = true;
        if (piece.RequestCount(block) > 0)   // endgame: the same block is still asked of others
            CancelDuplicates(peer, piece, request, cancels);
        if (!piece.IsComplete)
            return null;
        _picker.SetStatus(index, PieceStatus.Verifying);
        return piece;
    }

    /// <summary>
    /// The hash check of a completed piece is done. A good piece counts; a bad one is thrown away and
    /// fetched again. Blame: a bad piece from one peer counts against that peer at once; when several
    /// peers sent its blocks, each block's hash is kept, and once the piece passes, only the peers whose
    /// blocks differ from the good ones are blamed (an honest peer that shared a piece with a liar is
    /// never banned for it). Returns the peers that now deserve a ban.
    /// </summary>
    public IReadOnlyList<PeerRecord> PieceChecked(InFlightPiece piece, bool good, bool blame = true)
    {
        _inFlight.Remove(piece.Index);
        piece.LeaveFlight();
        var contributors = piece.Contributors.ToList();
        List<PeerRecord> proven;
        if (good)
        {
            proven = SendersOfBadBlocks(piece);
            _have[piece.Index] = true;
            _bytesLeft -= piece.Length;
            _picker.SetStatus(piece.Index, PieceStatus.Have);
            _picker.Succeeded(piece.Index);
            foreach (var peer in contributors) peer.GoodPieces++;
        }
        else
            proven = PieceFailed(piece, contributors, blame);
        ReturnBuffer(piece);
        if (_have.IsComplete)
            _buffers.Trim();
        foreach (var peer in proven) peer.FailedPieces++;
        return proven.Where(p => p.DeservesBan && !p.IsBanned).ToList();
    }

    /// <summary>
    /// A completed piece failed its hash check (or could not be written: no blame then). It is fetched again, from
    /// others if possible (<see cref="PiecePicker.FailedBy"/>); returns the peers proven to have sent bad data.
    /// </summary>
    // TODO(05-download.messages): a failed piece goes back to Missing (fetched again); with blame, the picker learns who
    // sent it (FailedBy: they are not given it again first). One sender is proven guilty at once; with several, remember
    // their blocks (RememberBlocks) and judge them when the piece passes (SendersOfBadBlocks).
    private List<PeerRecord> PieceFailed(InFlightPiece piece, List<PeerRecord> contributors, bool blame)
    {
        throw new NotImplementedException("Lesson 05 step 3 (messages): a piece failed its hash check: what becomes of it, and who is to blame? (README, step 3; HINTS.md)");
    }

    /// <summary>A piece with several senders failed: remember who sent which block, and a hash of it.</summary>
    private void RememberBlocks(InFlightPiece piece)
    {
        if (!_suspectBlocks.TryGetValue(piece.Index, out var list))
            _suspectBlocks[piece.Index] = list = [];
        for (int b = 0; b < piece.BlockCount; b++)
            if (piece.SenderOf(b) is { } sender)
                list.Add(new SuspectBlock(b, sender, SHA1.HashData(piece.BlockData(b))));
    }

    /// <summary>The piece passed: the senders of earlier, failed versions whose blocks differ from the good ones.</summary>
    private List<PeerRecord> SendersOfBadBlocks(InFlightPiece piece)
    {
        var liars = new List<PeerRecord>();
        if (!_suspectBlocks.Remove(piece.Index, out var list))
            return liars;
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        foreach (var suspect in list)
        {
            SHA1.HashData(piece.BlockData(suspect.Block), hash);
            if (!hash.SequenceEqual(suspect.Hash) && !liars.Contains(suspect.Sender))
                liars.Add(suspect.Sender);
        }
        return liars;
    }

    private readonly record struct SuspectBlock(int Block, PeerRecord Sender, byte[] Hash);

    /// <summary>
    /// True (once) when a piece has left memory while some peer was refused a new piece for lack of
    /// room (<c>maxInFlightBytes</c>): the peers should be asked to top up their queues now rather than
    /// at their next block or the next housekeeping round.
    /// </summary>
    public bool TakeRoomMade()
    {
        if (!_waitingForRoom || !HasRoomForAnotherPiece())
            return false;
        _waitingForRoom = false;
        return true;
    }

    /// <summary>
    /// At shutdown, once the verifier has drained: the pieces still in flight are dropped (a restart
    /// fetches them again) and their blocks given back.
    /// </summary>
    public void ReleaseBuffers()
    {
        foreach (var piece in _inFlight.Values)
        {
            piece.LeaveFlight();
            ReturnBuffer(piece);
            _picker.SetStatus(piece.Index, PieceStatus.Missing);
        }
        _inFlight.Clear();
        _buffers.Trim();
    }

    private void ReturnBuffer(InFlightPiece piece) => piece.ReturnBlocks(_buffers);

    /// <summary>Endgame: a block arrived that was also asked of other peers; they are told to forget it.</summary>
    // TODO(05-download.endgame): the block is here: every other peer it is still outstanding at (FindOtherRequester)
    // lets go of it — out of its ledger (Outstanding), one requester less on the block (RemoveRequest) — and goes into
    // cancels, for the loop to send each a cancel.
    private void CancelDuplicates(PeerRequests receivedFrom, InFlightPiece piece, BlockRequest request, List<(PeerRequests Peer, BlockRequest Request)> cancels)
    {
        throw new NotImplementedException("Lesson 05 step 4 (endgame): the block arrived; who else was asked for it, and what do they hear? (README, step 4; HINTS.md)");
    }

    private PeerRequests? FindOtherRequester(PeerRequests except, BlockRequest request)
    {
        foreach (var peer in _peers)
            if (peer != except && peer.Outstanding.ContainsKey(request))
                return peer;
        return null;
    }

    private void ReleaseAllRequests(PeerRequests peer)
    {
        foreach (var request in peer.Outstanding.Keys)
            if (_inFlight.TryGetValue(request.Piece, out var piece))
                piece.RemoveRequest(request.Begin / Blocks.Size);
        peer.Outstanding.Clear();
    }
}
