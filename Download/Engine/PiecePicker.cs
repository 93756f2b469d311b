using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Chooses which piece to start next. Rarest first: the piece the fewest connected peers have, so
/// rare data is copied before its holders leave; ties are broken at random so peers spread out. The
/// first few pieces are random instead, to have something to trade quickly (BEP 3 "random first").
/// A piece that failed its hash is fetched again preferably from peers that did not send it.
/// </summary>
public sealed class PiecePicker
{
    public const int RandomFirstPieces = 4;

    private readonly int[] _availability;
    private readonly PieceStatus[] _status;
    private readonly Dictionary<int, List<PeerRecord>> _failedBy = [];
    private readonly Random _random;
    private int _missing;

    public PiecePicker(Bitfield have, Random? random = null)
    {
        _availability = new int[have.Count];
        _status = new PieceStatus[have.Count];
        _random = random ?? new Random();
        for (int i = 0; i < have.Count; i++)
        {
            _status[i] = have[i] ? PieceStatus.Have : PieceStatus.Missing;
            if (!have[i]) _missing++;
        }
    }

    public int PieceCount => _status.Length;

    /// <summary>Pieces nobody has started (not in flight, not being verified, not had).</summary>
    public int MissingCount => _missing;

    public int VerifiedCount { get; private set; }

    public PieceStatus StatusOf(int piece) => _status[piece];

    public int Availability(int piece) => _availability[piece];

    public void SetStatus(int piece, PieceStatus status)
    {
        if (_status[piece] == PieceStatus.Missing) _missing--;
        if (status == PieceStatus.Missing) _missing++;
        if (status == PieceStatus.Have && _status[piece] != PieceStatus.Have) VerifiedCount++;
        _status[piece] = status;
    }

    public void PeerHas(int piece) => _availability[piece]++;

    public void PeerHasAll(Bitfield pieces) => Add(pieces, +1);

    public void PeerLeft(Bitfield pieces) => Add(pieces, -1);

    public void FailedBy(int piece, IEnumerable<PeerRecord> peers)
    {
        if (!_failedBy.TryGetValue(piece, out var list))
            _failedBy[piece] = list = [];
        list.AddRange(peers);
    }

    public void Succeeded(int piece) => _failedBy.Remove(piece);

    /// <summary>A missing piece <paramref name="peerPieces"/> holds, or -1. Prefers pieces this peer did not spoil before.</summary>
    public int PickNew(Bitfield peerPieces, PeerRecord peer)
    {
        int piece = Pick(peerPieces, peer, avoidFailed: true);
        return piece >= 0 || _failedBy.Count == 0 ? piece : Pick(peerPieces, peer, avoidFailed: false);
    }

    private int Pick(Bitfield peerPieces, PeerRecord peer, bool avoidFailed)
    {
        bool randomFirst = PieceCount - _missing < RandomFirstPieces;  // pieces started or had so far
        int best = -1, bestAvailability = int.MaxValue, ties = 0;
        for (int i = 0; i < _status.Length; i++)
        {
            if (_status[i] != PieceStatus.Missing || !peerPieces[i])
                continue;
            if (avoidFailed && _failedBy.TryGetValue(i, out var spoilers) && spoilers.Contains(peer))
                continue;
            int availability = randomFirst ? 0 : _availability[i];
            if (availability < bestAvailability)
            {
                best = i;
                bestAvailability = availability;
                ties = 1;
            }
            else if (availability == bestAvailability && _random.Next(++ties) == 0)
                best = i;   // reservoir sampling: each tied piece equally likely
        }
        return best;
    }

    private void Add(Bitfield pieces, int delta)
    {
        for (int i = 0; i < pieces.Count; i++)
            if (pieces[i])
                _availability[i] += delta;
    }
}

public enum PieceStatus : byte { Missing, InFlight, Verifying, Have }
