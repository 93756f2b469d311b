using System.Net;

namespace MeTorrent.Tracker.Server;

/// <summary>
/// The peers of one torrent, keyed by address and port (as opentracker does: a client that restarts with
/// a new peer id on the same port replaces its old entry). Not thread-safe: <see cref="Swarms"/> locks.
/// </summary>
internal sealed class Swarm
{
    private readonly Dictionary<IPEndPoint, SwarmPeer> _peers = [];

    public int Count => _peers.Count;

    /// <summary>
    /// Records the announce (a new peer only if <paramref name="mayAddPeer"/>: the limits are full otherwise)
    /// and picks up to <paramref name="numWant"/> other peers at random.
    /// </summary>
    public SwarmAnswer Announce(PeerAnnounce announce, int numWant, DateTimeOffset now, bool mayAddPeer)
    {
        if (announce.Event == AnnounceEvent.Stopped)
            _peers.Remove(announce.Endpoint);
        else if (mayAddPeer || _peers.ContainsKey(announce.Endpoint))
            _peers[announce.Endpoint] = new SwarmPeer(announce.Endpoint, announce.PeerId, announce.Left == 0, now);

        var others = _peers.Values.Where(p => !p.Endpoint.Equals(announce.Endpoint)).ToArray();
        if (announce.Event == AnnounceEvent.Stopped)
            others = []; // a peer that leaves needs no peers
        if (others.Length > numWant)
        {
            Random.Shared.Shuffle(others);
            others = others[..numWant];
        }
        int seeders = _peers.Values.Count(p => p.IsSeeder);
        return new SwarmAnswer(others, seeders, _peers.Count - seeders);
    }

    /// <summary>Drops peers that have not announced since <paramref name="cutoff"/> (they left without a "stopped").</summary>
    public void Expire(DateTimeOffset cutoff)
    {
        foreach (var stale in _peers.Values.Where(p => p.LastSeen < cutoff).Select(p => p.Endpoint).ToList())
            _peers.Remove(stale);
    }
}
