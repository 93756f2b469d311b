using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Metadata;

/// <summary>What became of a message given to <see cref="MetadataAssembly"/>.</summary>
public enum MetadataOutcome
{
    /// <summary>Nothing to do: a piece we did not ask this peer for (late, or unsolicited) is not taken.</summary>
    Ignored,
    /// <summary>A piece was kept; more are missing.</summary>
    Stored,
    /// <summary>The peer broke the rules (wrong size, wrong total, a reject): it is not asked again.</summary>
    PeerRefused,
    /// <summary>Every piece is in and the SHA-1 equals the info hash: <see cref="MetadataAssembly.Verified"/> holds the dictionary.</summary>
    Verified,
    /// <summary>Every piece is in but the SHA-1 is wrong: the pieces were thrown away (and their sender blamed, if it is known).</summary>
    HashMismatch,
}

/// <summary>The outcome, a line for the log, and the peers to disconnect.</summary>
public sealed record MetadataResult(MetadataOutcome Outcome, string Message, IReadOnlyList<IPEndPoint> Blamed)
{
    public static MetadataResult Of(MetadataOutcome outcome, string message = "") => new(outcome, message, []);
}

/// <summary>
/// Puts an info dictionary together from 16 KiB ut_metadata pieces (BEP 9) received from several peers,
/// in any order, and checks it: its SHA-1 must equal the info hash. Pure bookkeeping — no sockets, no
/// clock of its own — so every rule is a unit test.
/// <list type="bullet">
/// <item>Each piece is asked of one peer at a time; a peer has at most <see cref="MaxRequestsPerPeer"/> asked.</item>
/// <item>Only answers to our own requests are taken, and only of exactly the expected length.</item>
/// <item>A peer that rejects, times out, or sends a wrong piece is not asked again (<see cref="Excluded"/>).</item>
/// <item>When the assembled dictionary fails the check, it is thrown away. If one peer sent it all, that peer
///   is blamed. If several did, nobody can tell the liar, so from then on every piece is taken from one peer
///   at a time: the next failure names its sender exactly, and an honest peer completes the dictionary.</item>
/// </list>
/// Memory: a piece's buffer is made when it arrives, so a peer that claims a big size costs nothing until
/// it sends data we asked for, and never more than <see cref="MetadataLimits.MaxSize"/>.
/// </summary>
public sealed class MetadataAssembly
{
    public const int MaxRequestsPerPeer = 4;

    private readonly InfoHash _infoHash;
    private readonly TimeSpan _requestTimeout;
    private readonly byte[]?[] _pieces;
    private readonly IPEndPoint?[] _senders;
    private readonly Dictionary<int, (IPEndPoint Peer, DateTime Due)> _requested = [];
    private readonly HashSet<IPEndPoint> _sources = [];
    private readonly HashSet<IPEndPoint> _excluded = [];
    private bool _oneSourceAtATime;
    private IPEndPoint? _soleSource;
    private int _received;

    /// <param name="size">the metadata_size peers announced; check it with <see cref="MetadataLimits.SizeProblem"/> first</param>
    public MetadataAssembly(InfoHash infoHash, int size, TimeSpan requestTimeout)
    {
        if (MetadataLimits.SizeProblem(size) is { } problem)
            throw new ArgumentOutOfRangeException(nameof(size), problem);
        _infoHash = infoHash;
        _requestTimeout = requestTimeout;
        Size = size;
        PieceCount = CountPieces(size);
        _pieces = new byte[]?[PieceCount];
        _senders = new IPEndPoint?[PieceCount];
    }

    public int Size { get; }

    public int PieceCount { get; }

    /// <summary>The checked info dictionary, once <see cref="MetadataOutcome.Verified"/>.</summary>
    public byte[]? Verified { get; private set; }

    /// <summary>Peers not asked again: they rejected, timed out, sent a bad piece or lying metadata.</summary>
    public IReadOnlySet<IPEndPoint> Excluded => _excluded;

    /// <summary>True while some peer that announced this size may still be asked.</summary>
    public bool HasUsableSources => _sources.Any(p => !_excluded.Contains(p));

    /// <summary>After a failed check with several senders: pieces come from one peer at a time.</summary>
    public bool OneSourceAtATime => _oneSourceAtATime;

    // LESSON 09-metadata.pieces: BEP 9: the metadata goes in pieces of 16 KiB (MetadataMessage.PieceLength), the last one what is left (never 0, never more than 16 KiB).
    /// <summary>How many pieces <paramref name="size"/> bytes of metadata make.</summary>
    private static int CountPieces(int size)
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 1 (pieces): BEP 9: the metadata is handled in blocks of 16 KiB; count them. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        return (size + MetadataMessage.PieceLength - 1) / MetadataMessage.PieceLength;
        // END SOLUTION
    }

    // LESSON 09-metadata.pieces: every piece is 16 KiB but the last, which holds what is left of Size.
    /// <summary>Length of piece <paramref name="piece"/>: 16 KiB, the last one what is left.</summary>
    public int PieceSize(int piece)
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 1 (pieces): BEP 9: every piece is 16 KiB except the last, which may be shorter. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        return piece < PieceCount - 1 ? MetadataMessage.PieceLength : Size - (PieceCount - 1) * MetadataMessage.PieceLength;
        // END SOLUTION
    }

    /// <summary>A peer whose extension handshake announced this size.</summary>
    public void AddSource(IPEndPoint peer) => _sources.Add(peer);

    /// <summary>A peer left: what it was asked goes back to the others.</summary>
    public void RemoveSource(IPEndPoint peer)
    {
        _sources.Remove(peer);
        Release(peer);
    }

    /// <summary>The pieces to ask <paramref name="peer"/> for now (none if it is excluded, busy, or not the sole source).</summary>
    public IReadOnlyList<int> NextRequests(IPEndPoint peer, DateTime now)
    {
        if (Verified is not null || !_sources.Contains(peer) || _excluded.Contains(peer))
            return [];
        if (_oneSourceAtATime)
        {
            if (_soleSource is null)
            {
                _soleSource = peer;
                Reset(); // pieces of earlier senders would muddle the blame
            }
            else if (!_soleSource.Equals(peer))
                return [];
        }
        int asked = _requested.Values.Count(r => r.Peer.Equals(peer));
        var chosen = new List<int>();
        for (int piece = 0; piece < PieceCount && asked + chosen.Count < MaxRequestsPerPeer; piece++)
        {
            if (_pieces[piece] is null && !_requested.ContainsKey(piece))
            {
                _requested[piece] = (peer, now + _requestTimeout);
                chosen.Add(piece);
            }
        }
        return chosen;
    }

    // LESSON 09-metadata.assemble: take only a piece we asked this peer for (else Ignored); refuse (Refuse: the peer is dropped) a total_size that is not Size or data that is not exactly PieceSize(piece) long; keep a copy in the piece's own slot, note its sender; when the last one is in, Check.
    /// <summary>A data message from <paramref name="peer"/>.</summary>
    public MetadataResult OnData(IPEndPoint peer, int piece, long totalSize, ReadOnlySpan<byte> data)
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 2 (assemble): BEP 9: take the pieces you asked for, each of its exact size, in its own place. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        if (!_requested.TryGetValue(piece, out var request) || !request.Peer.Equals(peer))
            return MetadataResult.Of(MetadataOutcome.Ignored, $"{peer} sent metadata piece {piece}, which we did not ask it for; ignored");
        if (totalSize != Size)
            return Refuse(peer, $"{peer} sent metadata piece {piece} for a total of {totalSize} bytes, not the {Size} it announced; peer dropped");
        if (data.Length != PieceSize(piece))
            return Refuse(peer, $"{peer} sent {data.Length} bytes for metadata piece {piece}, which is {PieceSize(piece)} bytes; peer dropped");
        _requested.Remove(piece);
        _pieces[piece] = data.ToArray();
        _senders[piece] = peer;
        if (++_received < PieceCount)
            return MetadataResult.Of(MetadataOutcome.Stored);
        return Check();
        // END SOLUTION
    }

    /// <summary>A reject: the peer will not send the metadata (it may not have it), so it is not asked again.</summary>
    public MetadataResult OnReject(IPEndPoint peer, int piece)
    {
        if (!_requested.TryGetValue(piece, out var request) || !request.Peer.Equals(peer))
            return MetadataResult.Of(MetadataOutcome.Ignored);
        return Refuse(peer, $"{peer} rejected metadata piece {piece}; not asked again");
    }

    /// <summary>Peers with a request older than the time-out: excluded, their requests freed for others.</summary>
    public IReadOnlyList<IPEndPoint> Expire(DateTime now)
    {
        var late = _requested.Values.Where(r => r.Due <= now).Select(r => r.Peer).Distinct().ToList();
        foreach (var peer in late)
            Exclude(peer);
        return late;
    }

    // LESSON 09-metadata.assemble: every piece is in: put them together in index order, and keep the whole (Verified) only if its SHA-1 is the info hash; otherwise it is a mismatch (OnMismatch).
    private MetadataResult Check()
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 2 (assemble): BEP 9: the pieces, in order, make the info dictionary, and its SHA-1 must be the info hash. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        var assembled = new byte[Size];
        for (int i = 0; i < PieceCount; i++)
            _pieces[i]!.CopyTo(assembled, i * MetadataMessage.PieceLength);
        if (InfoHash.Compute(assembled) == _infoHash)
        {
            Verified = assembled;
            return MetadataResult.Of(MetadataOutcome.Verified, $"metadata verified: {Size} bytes, SHA-1 {_infoHash.Hex}");
        }
        return OnMismatch();
        // END SOLUTION
    }

    // LESSON 09-metadata.mismatch: throw every piece away (Reset); one sender sent it all: exclude and blame it; several: nobody can tell the liar, so from now on take the pieces from one peer at a time (_oneSourceAtATime, no sole source yet).
    private MetadataResult OnMismatch()
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 3 (mismatch): metadata whose SHA-1 is not the info hash is thrown away, and whoever sent it must not be trusted again. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        var senders = _senders.Distinct().OfType<IPEndPoint>().ToList();
        Reset();
        if (senders.Count == 1)
        {
            Exclude(senders[0]);
            _soleSource = null;
            return new MetadataResult(MetadataOutcome.HashMismatch,
                $"metadata from {senders[0]} does not match the info hash; thrown away, peer dropped", senders);
        }
        _oneSourceAtATime = true;
        _soleSource = null;
        return MetadataResult.Of(MetadataOutcome.HashMismatch,
            $"metadata from {senders.Count} peers does not match the info hash; thrown away, now asking one peer at a time to find the liar");
        // END SOLUTION
    }

    private MetadataResult Refuse(IPEndPoint peer, string message)
    {
        Exclude(peer);
        return new MetadataResult(MetadataOutcome.PeerRefused, message, [peer]);
    }

    private void Exclude(IPEndPoint peer)
    {
        _excluded.Add(peer);
        Release(peer);
    }

    private void Release(IPEndPoint peer)
    {
        foreach (var piece in _requested.Where(r => r.Value.Peer.Equals(peer)).Select(r => r.Key).ToList())
            _requested.Remove(piece);
        if (peer.Equals(_soleSource))
            _soleSource = null;
    }

    private void Reset()
    {
        Array.Clear(_pieces);
        Array.Clear(_senders);
        _requested.Clear();
        _received = 0;
    }
}
