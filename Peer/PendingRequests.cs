namespace MeTorrent.Peer;

/// <summary>
/// The blocks we asked a peer for and have not yet received, cancelled or had rejected. A piece message
/// must match one of them exactly (piece, offset and length) or it is not accepted: a peer cannot push
/// data we did not ask for. Under BEP 6 a cancelled request is still answered (by the piece or a reject),
/// so cancelled requests are remembered until that answer comes.
/// Thread-safe: requests are sent on one task while replies arrive on another.
/// </summary>
internal sealed class PendingRequests
{
    private readonly HashSet<BlockRequest> _pending = [];
    private readonly HashSet<BlockRequest> _cancelled = [];

    public enum Answer { Expected, Cancelled, Unexpected }

    public int Count
    {
        get { lock (_pending) return _pending.Count; }
    }

    public void Add(BlockRequest request)
    {
        lock (_pending)
        {
            _pending.Add(request);
            _cancelled.Remove(request);
        }
    }

    /// <summary>We withdrew the request; with <paramref name="answerStillDue"/> (BEP 6) the peer will still answer it.</summary>
    public void Cancel(BlockRequest request, bool answerStillDue)
    {
        lock (_pending)
            if (_pending.Remove(request) && answerStillDue)
                _cancelled.Add(request);
    }

    /// <summary>Matches a piece or reject with the request it answers, and forgets the request.</summary>
    public Answer Settle(BlockRequest request)
    {
        lock (_pending)
        {
            if (_pending.Remove(request))
                return Answer.Expected;
            return _cancelled.Remove(request) ? Answer.Cancelled : Answer.Unexpected;
        }
    }

    public void Clear()
    {
        lock (_pending)
        {
            _pending.Clear();
            _cancelled.Clear();
        }
    }
}
