namespace MeTorrent.Download.Seeding;

/// <summary>
/// The simplest choking rule (BEP 3 leaves the algorithm to the client): unchoke interested peers on a
/// first-come basis up to a number of slots; a slot frees when its peer loses interest or leaves, and
/// goes to the longest-waiting interested peer. Tit-for-tat and optimistic unchoking can replace this later.
/// </summary>
public sealed class UploadSlots(int slots)
{
    private readonly Lock _lock = new();
    private readonly HashSet<object> _unchoked = [];
    private readonly List<object> _waiting = [];

    /// <summary>The peer became interested: true if it may be unchoked now, otherwise it waits.</summary>
    public bool TryTake(object peer)
    {
        lock (_lock)
        {
            if (_unchoked.Contains(peer)) return true;
            if (_unchoked.Count < slots)
            {
                _unchoked.Add(peer);
                _waiting.Remove(peer);
                return true;
            }
            if (!_waiting.Contains(peer)) _waiting.Add(peer);
            return false;
        }
    }

    /// <summary>The peer is no longer interested or has gone: returns the waiting peer that gets its slot, if any.</summary>
    public object? Release(object peer)
    {
        lock (_lock)
        {
            _waiting.Remove(peer);
            if (!_unchoked.Remove(peer) || _waiting.Count == 0) return null;
            var next = _waiting[0];
            _waiting.RemoveAt(0);
            _unchoked.Add(next);
            return next;
        }
    }
}
