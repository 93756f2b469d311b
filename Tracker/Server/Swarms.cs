using MeTorrent.Metainfo;

namespace MeTorrent.Tracker.Server;

/// <summary>Every swarm the server tracks, one per info hash; shared by the HTTP and UDP front ends.</summary>
internal sealed class Swarms(TrackerServerOptions options)
{
    /// <summary>The refusal sent for a new torrent once <see cref="TrackerServerOptions.MaxSwarms"/> are tracked.</summary>
    public const string FullMessage = "the tracker is full: it tracks no more torrents";

    private readonly Dictionary<InfoHash, Swarm> _swarms = [];
    private readonly Lock _lock = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private int _peerCount;   // over all swarms

    /// <summary>Peers recorded over all torrents (at most <see cref="TrackerServerOptions.MaxPeers"/>).</summary>
    public int TotalPeers
    {
        get { lock (_lock) return _peerCount; }
    }

    /// <summary>Torrents tracked (at most <see cref="TrackerServerOptions.MaxSwarms"/>).</summary>
    public int SwarmCount
    {
        get { lock (_lock) return _swarms.Count; }
    }

    /// <summary>Records the announce and answers it; null when the tracker is full and the torrent is new.</summary>
    public SwarmAnswer? Announce(PeerAnnounce announce)
    {
        int numWant = Math.Clamp(announce.NumWant is int n and >= 0 ? n : options.DefaultNumWant, 0, options.MaxNumWant);
        var now = options.Time.GetUtcNow();
        lock (_lock)
        {
            SweepIfDue(now);
            if (!_swarms.TryGetValue(announce.InfoHash, out var swarm))
            {
                if (announce.Event == AnnounceEvent.Stopped)
                    return new SwarmAnswer([], 0, 0); // leaving a swarm we do not know: nothing to do
                if (_swarms.Count >= options.MaxSwarms)
                    return null;
                _swarms[announce.InfoHash] = swarm = new Swarm();
            }
            int before = swarm.Count;
            swarm.Expire(now - options.EffectivePeerTimeout);
            bool mayAdd = swarm.Count < options.MaxPeersPerSwarm && _peerCount - (before - swarm.Count) < options.MaxPeers;
            var answer = swarm.Announce(announce, numWant, now, mayAdd);
            _peerCount += swarm.Count - before;
            if (swarm.Count == 0)
                _swarms.Remove(announce.InfoHash);
            return answer;
        }
    }

    /// <summary>How many peers the server knows for a torrent (after dropping expired ones).</summary>
    public int PeerCount(InfoHash infoHash)
    {
        lock (_lock)
        {
            if (!_swarms.TryGetValue(infoHash, out var swarm))
                return 0;
            int before = swarm.Count;
            swarm.Expire(options.Time.GetUtcNow() - options.EffectivePeerTimeout);
            _peerCount -= before - swarm.Count;
            return swarm.Count;
        }
    }

    /// <summary>Once per interval, drops expired peers of every swarm, and swarms left empty, so memory stays bounded.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now - _lastSweep < options.Interval)
            return;
        _lastSweep = now;
        foreach (var (infoHash, swarm) in _swarms.ToList())
        {
            int before = swarm.Count;
            swarm.Expire(now - options.EffectivePeerTimeout);
            _peerCount -= before - swarm.Count;
            if (swarm.Count == 0)
                _swarms.Remove(infoHash);
        }
    }
}
