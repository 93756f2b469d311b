namespace MeTorrent.Peer;

/// <summary>
/// The blocks we asked a peer for and have not yet received, cancelled or had rejected. A piece message
/// must match one of them exactly (piece, offset and length) or it is dropped: a peer cannot push data
/// we did not ask for. Thread-safe: requests are sent on one task while replies arrive on another.
/// </summary>
internal sealed class OutstandingRequests
{
    private readonly HashSet<BlockRequest> _pending = [];

    public int Count
    {
        get { lock (_pending) return _pending.Count; }
    }

    public void Add(BlockRequest request)
    {
        lock (_pending) _pending.Add(request);
    }

    /// <summary>True if <paramref name="request"/> was outstanding (and is no longer).</summary>
    public bool Remove(BlockRequest request)
    {
        lock (_pending) return _pending.Remove(request);
    }

    public void Clear()
    {
        lock (_pending) _pending.Clear();
    }
}
