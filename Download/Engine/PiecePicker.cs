using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Chooses which piece to start next. Rarest first: the piece the fewest connected peers have, so
/// rare data is copied before its holders leave; ties are broken at random so peers spread out. The
/// first few pieces are random instead, to have something to trade quickly (BEP 3 "random first").
/// A piece that failed its hash is fetched again preferably from peers that did not send it.
/// The pieces still to start are kept in <see cref="AvailabilityBuckets"/>, rarest first, so a pick
/// looks at the front of that order, not at every piece: its cost does not grow with the torrent.
/// </summary>
public sealed class PiecePicker
{
    public const int RandomFirstPieces = 4;

    private readonly int[] _availability;
    private readonly PieceStatus[] _status;
    private readonly AvailabilityBuckets _missing;
    private readonly Dictionary<int, List<PeerRecord>> _failedBy = [];
    private readonly Random _random;

    public PiecePicker(Bitfield have, Random? random = null)
    {
        _availability = new int[have.Count];
        _status = new PieceStatus[have.Count];
        _missing = new AvailabilityBuckets(_availability);
        _random = random ?? new Random();
        for (int i = 0; i < have.Count; i++)
        {
            _status[i] = have[i] ? PieceStatus.Have : PieceStatus.Missing;
            if (!have[i]) _missing.Add(i);
        }
    }

    public int PieceCount => _status.Length;

    /// <summary>Pieces nobody has started (not in flight, not being verified, not had).</summary>
    public int MissingCount => _missing.Count;

    public int VerifiedCount { get; private set; }

    public PieceStatus StatusOf(int piece) => _status[piece];

    public int Availability(int piece) => _availability[piece];

    public void SetStatus(int piece, PieceStatus status)
    {
        if (status == PieceStatus.Missing) _missing.Add(piece);
        else _missing.Remove(piece);
        if (status == PieceStatus.Have && _status[piece] != PieceStatus.Have) VerifiedCount++;
        _status[piece] = status;
    }

    public void PeerHas(int piece) => _missing.MovedUp(piece, _availability[piece]++);

    public void PeerHasAll(Bitfield pieces)
    {
        for (int i = 0; i < pieces.Count; i++)
            if (pieces[i]) PeerHas(i);
    }

    public void PeerLeft(Bitfield pieces)
    {
        for (int i = 0; i < pieces.Count; i++)
            if (pieces[i] && _availability[i] > 0) _missing.MovedDown(i, _availability[i]--);
    }

    public void FailedBy(int piece, IEnumerable<PeerRecord> peers)
    {
        if (!_failedBy.TryGetValue(piece, out var list))
            _failedBy[piece] = list = [];
        list.AddRange(peers);
    }

    public void Succeeded(int piece) => _failedBy.Remove(piece);

    /// <summary>The piece failed its hash check and has not passed since.</summary>
    public bool HasFailed(int piece) => _failedBy.ContainsKey(piece);

    /// <summary>A missing piece <paramref name="peerPieces"/> holds, or -1. Prefers pieces this peer did not spoil before.</summary>
    public int PickNew(Bitfield peerPieces, PeerRecord peer)
    {
        int piece = Pick(peerPieces, peer, avoidFailed: true);
        return piece >= 0 || _failedBy.Count == 0 ? piece : Pick(peerPieces, peer, avoidFailed: false);
    }

    /// <summary>Whether <paramref name="peer"/> may be given <paramref name="piece"/>: it has it, and (when avoiding) did not spoil it before.</summary>
    private bool Acceptable(int piece, Bitfield peerPieces, PeerRecord peer, bool avoidFailed) =>
        peerPieces[piece] && !(avoidFailed && _failedBy.TryGetValue(piece, out var spoilers) && spoilers.Contains(peer));

    // LESSON 05-download.rarest-first: the missing pieces are in _missing, rarest first, bucket after bucket
    // (_missing.Bucket(a) is the range of pieces held by a peers). Take from the rarest bucket that has an
    // acceptable piece (FirstAcceptable starts at a random place: ties are broken at random). Random first: while
    // fewer than RandomFirstPieces pieces were started (every piece that is not Missing: in flight, being verified or
    // had), any acceptable missing piece at random instead.
    private int Pick(Bitfield peerPieces, PeerRecord peer, bool avoidFailed)
    {
        // STUB: throw new NotImplementedException("Lesson 05 step 1 (rarest first): which missing piece of this peer's should start next? (README, step 1; HINTS.md)");
        // BEGIN SOLUTION
        if (PieceCount - _missing.Count < RandomFirstPieces)   // pieces started or had so far
            return FirstAcceptable(0, _missing.Count, peerPieces, peer, avoidFailed);
        for (int a = 0; a < _missing.BucketCount; a++)
        {
            var (start, end) = _missing.Bucket(a);
            int piece = FirstAcceptable(start, end, peerPieces, peer, avoidFailed);
            if (piece >= 0)
                return piece;
        }
        return -1;
        // END SOLUTION
    }

    /// <summary>
    /// The first acceptable piece of positions <paramref name="start"/>..<paramref name="end"/> of the
    /// order, looking from a random position round to where it began; -1 if there is none.
    /// </summary>
    private int FirstAcceptable(int start, int end, Bitfield peerPieces, PeerRecord peer, bool avoidFailed)
    {
        int count = end - start;
        if (count <= 0)
            return -1;
        int offset = _random.Next(count);
        for (int i = 0; i < count; i++)
        {
            int piece = _missing[start + (offset + i) % count];
            if (Acceptable(piece, peerPieces, peer, avoidFailed))
                return piece;
        }
        return -1;
    }
}

public enum PieceStatus : byte { Missing, InFlight, Verifying, Have }
