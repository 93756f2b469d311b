using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>Which blocks to ask a peer for (the request side of <see cref="DownloadState"/>).</summary>
public sealed partial class DownloadState
{
    /// <summary>
    /// Chooses up to <paramref name="output"/>.Length blocks to ask <paramref name="peer"/> for: first
    /// the pieces it started, then pieces nobody is fetching any more, then a new piece (rarest first),
    /// then free blocks of other peers' pieces; in endgame, blocks already requested elsewhere.
    /// </summary>
    public int PickRequests(PeerRequests peer, Bitfield peerPieces, Span<BlockRequest> output)
    {
        return PickBlocks(peer, peerPieces, output);
    }

    /// <summary>
    /// Tops the peer's queue up to <paramref name="depth"/> requests; does nothing while the gap is
    /// smaller than a quarter of the queue (fewer, larger writes), unless the queue is empty.
    /// </summary>
    // LESSON 05-download.pipelining: keep depth requests in flight: ask for the gap between depth (at most buffer.Length)
    // and what is outstanding, but not for a trickle of one or two (wait until a quarter of the queue is free, at most 16).
    public int TopUp(PeerRequests peer, Bitfield peerPieces, int depth, Span<BlockRequest> buffer)
    {
        // STUB: throw new NotImplementedException("Lesson 05 step 2 (pipelining): how many more requests does this peer's queue need, and when is it worth asking? (README, step 2; HINTS.md)");
        // BEGIN SOLUTION
        int outstanding = peer.Outstanding.Count;
        int gap = Math.Min(depth, buffer.Length) - outstanding;
        if (gap <= 0 || (outstanding > 0 && gap < Math.Min(16, depth / 4)))
            return 0;
        return PickBlocks(peer, peerPieces, buffer[..gap]);
        // END SOLUTION
    }

    public bool IsStalled(PeerRequests peer, TimeSpan timeout, long now)
    {
        return peer.Outstanding.Count > 0 && now - peer.LastBlockTicks > timeout.TotalMilliseconds;
    }

    /// <summary>
    /// Requests this peer has left unanswered for <paramref name="timeout"/> although it keeps sending
    /// other blocks: it probably dropped them (a full request queue on its side). They are released
    /// for anyone to request again; the caller cancels them at the peer.
    /// </summary>
    public void ReleaseForgotten(PeerRequests peer, TimeSpan timeout, long now, List<BlockRequest> released)
    {
        foreach (var (request, sent) in peer.Outstanding)
            if (now - sent > timeout.TotalMilliseconds && peer.LastBlockTicks > sent)
                released.Add(request);
        foreach (var request in released)
        {
            peer.Outstanding.Remove(request);
            if (_inFlight.TryGetValue(request.Piece, out var piece))
                piece.RemoveRequest(request.Begin / Blocks.Size);
        }
    }

    /// <summary>
    /// A choke (BEP 3) drops the requests made before it: those still unanswered are released for anyone
    /// to request again; the caller cancels them at the peer (harmless if it did drop them).
    /// </summary>
    public void ReleaseMadeBefore(PeerRequests peer, long chokeTicks, List<BlockRequest> released)
    {
        int already = released.Count;
        foreach (var (request, sent) in peer.Outstanding)
            if (sent <= chokeTicks && !released.Contains(request))
                released.Add(request);
        for (int i = already; i < released.Count; i++)
        {
            var request = released[i];
            peer.Outstanding.Remove(request);
            if (_inFlight.TryGetValue(request.Piece, out var piece))
                piece.RemoveRequest(request.Begin / Blocks.Size);
        }
    }

    private int PickBlocks(PeerRequests peer, Bitfield peerPieces, Span<BlockRequest> output)
    {
        // The engine's housekeeping may top up a connection's queue just as its task ends: blocks
        // handed to a departed peer would stay "requested" with no one left to release them.
        if (peer.HasLeft)
            return 0;
        int count = 0;
        // The scans of the pieces in flight only take free blocks: while none is free (the usual case on a fast swarm,
        // where every block is asked for and pieces wait for their hash check) they are skipped.
        if (_freeBlocks.Value > 0)
        {
            foreach (var piece in _inFlight.Values)
                if (piece.Owner == peer && count < output.Length)
                    count = TakeFree(peer, piece, output, count);
            foreach (var piece in _inFlight.Values)
            {
                if (count == output.Length) return count;
                if (piece.Owner is null && peerPieces[piece.Index] && piece.HasFreeBlock())
                {
                    piece.Owner = peer;
                    count = TakeFree(peer, piece, output, count);
                }
            }
        }
        while (count < output.Length)
        {
            if (!HasRoomForAnotherPiece())
            {
                _waitingForRoom = true;
                break;
            }
            int index = _picker.PickNew(peerPieces, peer.Record);
            if (index < 0) break;
            var piece = new InFlightPiece(index, _torrent.PieceSize(index), _freeBlocks) { Owner = peer };
            _inFlight.Add(index, piece);
            _picker.SetStatus(index, PieceStatus.InFlight);
            count = TakeFree(peer, piece, output, count);
        }
        if (_freeBlocks.Value > 0)
            foreach (var piece in _inFlight.Values)
                if (count < output.Length && peerPieces[piece.Index])
                    count = TakeFree(peer, piece, output, count);
        if (count == 0 && IsEndgame())
            count = TakeDuplicates(peer, peerPieces, output);
        if (count > 0 && peer.Outstanding.Count == count)
            peer.LastBlockTicks = Environment.TickCount64;   // the stall clock starts with the first request
        return count;
    }

    /// <summary>Every piece in flight holds a piece-length buffer, up to <c>maxInFlightBytes</c> in all.</summary>
    private bool HasRoomForAnotherPiece() => (_inFlight.Count + 1L) * _torrent.PieceLength <= _maxInFlightBytes;

    private bool IsEndgame()
    {
        if (_picker.MissingCount > 0) return false;
        foreach (var piece in _inFlight.Values)
            if (piece.HasFreeBlock()) return false;
        return _inFlight.Count > 0;
    }

    private int TakeFree(PeerRequests peer, InFlightPiece piece, Span<BlockRequest> output, int count)
    {
        for (int b = 0; b < piece.BlockCount && count < output.Length && piece.FreeCount > 0; b++)
        {
            if (!piece.IsFree(b)) continue;
            var request = new BlockRequest(piece.Index, b * Blocks.Size, piece.BlockLength(b));
            piece.AddRequest(b);
            peer.Outstanding[request] = Environment.TickCount64;
            output[count++] = request;
        }
        return count;
    }

    /// <summary>Endgame: blocks of pieces in flight that others were asked for and have not sent yet, asked of this peer too.</summary>
    // LESSON 05-download.endgame: nothing is left to start and every block is asked of someone: ask this peer too for
    // blocks of pieces it has that are still in flight (PieceStatus.InFlight), not yet received, asked of fewer than
    // MaxEndgameRequesters peers, and not of this peer already (its Outstanding, with the time asked). Count each on its piece.
    private int TakeDuplicates(PeerRequests peer, Bitfield peerPieces, Span<BlockRequest> output)
    {
        // STUB: throw new NotImplementedException("Lesson 05 step 4 (endgame): the last blocks are slow to come: which of them may this peer be asked for as well? (README, step 4; HINTS.md)");
        // BEGIN SOLUTION
        int count = 0;
        foreach (var piece in _inFlight.Values)
        {
            if (!peerPieces[piece.Index] || _picker.StatusOf(piece.Index) != PieceStatus.InFlight) continue;
            for (int b = 0; b < piece.BlockCount && count < output.Length; b++)
            {
                if (piece.IsReceived(b) || piece.RequestCount(b) >= MaxEndgameRequesters) continue;
                var request = new BlockRequest(piece.Index, b * Blocks.Size, piece.BlockLength(b));
                if (!peer.Outstanding.TryAdd(request, Environment.TickCount64)) continue;
                piece.AddRequest(b);
                output[count++] = request;
            }
        }
        return count;
        // END SOLUTION
    }
}
