using System.Net;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Every peer address we have heard of (trackers, --peer, PEX, the DHT, incoming), and which to dial
/// next: not connected, not banned, and past its retry time (which doubles with each failure). Owned by
/// the torrent's loop: no lock.
/// </summary>
public sealed class PeerPool(TimeSpan retryDelay)
{
    private readonly Dictionary<IPEndPoint, PeerRecord> _peers = [];

    public int Count => _peers.Count;

    public PeerRecord Add(IPEndPoint endPoint)
    {
        if (!_peers.TryGetValue(endPoint, out var record))
            _peers[endPoint] = record = new PeerRecord(endPoint);
        return record;
    }

    /// <summary>Records a peer that dialled us, as connected.</summary>
    public PeerRecord AddIncoming(IPEndPoint endPoint)
    {
        var record = new PeerRecord(endPoint) { IsIncoming = true, IsConnected = true };
        _peers[endPoint] = record;
        return record;
    }

    public void AddRange(IEnumerable<IPEndPoint> endPoints)
    {
        foreach (var endPoint in endPoints)
            Add(endPoint);
    }

    public IReadOnlyList<IPEndPoint> Banned() =>
        _peers.Values.Where(p => p.IsBanned).Select(p => p.EndPoint).ToList();

    public bool IsBanned(IPEndPoint endPoint) =>
        _peers.TryGetValue(endPoint, out var record) && record.IsBanned;

    /// <summary>Marks up to <paramref name="max"/> peers as connecting and returns them.</summary>
    public List<PeerRecord> TakeCandidates(int max)
    {
        var now = DateTime.UtcNow;
        var result = new List<PeerRecord>();
        foreach (var record in _peers.Values)
        {
            if (result.Count >= max) break;
            if (record.IsConnected || record.IsIncoming || record.IsBanned || record.RetryAfter > now) continue;
            record.IsConnected = true;
            result.Add(record);
        }
        return result;
    }

    /// <summary>
    /// A connection ended. <paramref name="useful"/>: it delivered data, so the failure count resets.
    /// A peer that dialled us is forgotten (its ephemeral port cannot be dialled back; each of its
    /// connections would otherwise leave a record behind for good), unless it was banned.
    /// </summary>
    public void Disconnected(PeerRecord record, bool useful)
    {
        record.IsConnected = false;
        if (record.IsIncoming && !record.IsBanned && _peers.TryGetValue(record.EndPoint, out var known) && known == record)
            _peers.Remove(record.EndPoint);
        record.Failures = useful ? 0 : Math.Min(record.Failures + 1, 8);
        record.RetryAfter = DateTime.UtcNow + retryDelay * (1 << Math.Max(0, record.Failures - 1));
    }
}
