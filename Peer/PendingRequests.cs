namespace MeTorrent.Peer;

/// <summary>
/// The blocks we asked a peer for and have not yet received, cancelled or had rejected. A piece message
/// must match one of them exactly (piece, offset and length) or it is not accepted: a peer cannot push
/// data we did not ask for. Under BEP 6 a cancelled request is still answered (by the piece or a reject),
/// so cancelled requests are remembered until that answer comes. The same block may be asked twice (after
/// a choke, say): each request expects its own answer, so requests are counted, not just listed.
/// Thread-safe: requests are sent on one task while replies arrive on another.
/// </summary>
internal sealed class PendingRequests
{
    private readonly Dictionary<BlockRequest, int> _pending = [];
    private readonly Dictionary<BlockRequest, int> _cancelled = [];
    private int _count;

    public enum Answer { Expected, Cancelled, Unexpected }

    public int Count => Volatile.Read(ref _count);

    public void Add(BlockRequest request)
    {
        lock (_pending)
        {
            Increment(_pending, request);
            _count++;
        }
    }

    /// <summary>We withdrew the request; with <paramref name="answerStillDue"/> (BEP 6) the peer will still answer it.</summary>
    public void Cancel(BlockRequest request, bool answerStillDue)
    {
        lock (_pending)
        {
            while (Decrement(_pending, request))
            {
                _count--;
                if (answerStillDue)
                    Increment(_cancelled, request);
            }
        }
    }

    /// <summary>Matches a piece or reject with the request it answers, and forgets that request.</summary>
    public Answer Settle(BlockRequest request)
    {
        lock (_pending)
        {
            if (Decrement(_pending, request))
            {
                _count--;
                return Answer.Expected;
            }
            return Decrement(_cancelled, request) ? Answer.Cancelled : Answer.Unexpected;
        }
    }

    public void Clear()
    {
        lock (_pending)
        {
            _pending.Clear();
            _cancelled.Clear();
            _count = 0;
        }
    }

    private static void Increment(Dictionary<BlockRequest, int> counts, BlockRequest request) =>
        counts[request] = counts.GetValueOrDefault(request) + 1;

    private static bool Decrement(Dictionary<BlockRequest, int> counts, BlockRequest request)
    {
        if (!counts.TryGetValue(request, out int n))
            return false;
        if (n == 1)
            counts.Remove(request);
        else
            counts[request] = n - 1;
        return true;
    }
}
