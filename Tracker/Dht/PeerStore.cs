using System.Net;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// The peers other nodes announced to us (announce_peer), per info hash, for get_peers to hand out.
/// Bounded both ways: at most <see cref="DhtLimits.MaxInfoHashes"/> info hashes (a new one evicts the
/// one announced least recently) and <see cref="DhtLimits.MaxPeersPerInfoHash"/> peers each (a new peer
/// evicts the oldest). Entries expire <see cref="DhtLimits.PeerLifetime"/> after their last announce.
/// </summary>
public sealed class PeerStore(DhtLimits limits, TimeProvider time)
{
    private readonly Dictionary<NodeId, Dictionary<IPEndPoint, DateTimeOffset>> _swarms = [];
    private readonly Lock _lock = new();

    public int InfoHashCount { get { lock (_lock) return _swarms.Count; } }

    public void Add(NodeId infoHash, IPEndPoint peer)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_swarms.TryGetValue(infoHash, out var peers))
            {
                if (_swarms.Count >= limits.MaxInfoHashes)
                    _swarms.Remove(_swarms.MinBy(s => s.Value.Values.Max()).Key);
                _swarms[infoHash] = peers = [];
            }
            if (!peers.ContainsKey(peer) && peers.Count >= limits.MaxPeersPerInfoHash)
                peers.Remove(peers.MinBy(p => p.Value).Key);
            peers[peer] = now;
        }
    }

    /// <summary>Up to <paramref name="max"/> live peers of the info hash, in random order.</summary>
    public List<IPEndPoint> Get(NodeId infoHash, int max)
    {
        var oldest = time.GetUtcNow() - limits.PeerLifetime;
        lock (_lock)
        {
            if (!_swarms.TryGetValue(infoHash, out var peers))
                return [];
            foreach (var stale in peers.Where(p => p.Value < oldest).Select(p => p.Key).ToList())
                peers.Remove(stale);
            if (peers.Count == 0)
                _swarms.Remove(infoHash);
            var live = peers.Keys.ToArray();
            Random.Shared.Shuffle(live);
            return live.Take(max).ToList();
        }
    }
}
