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
            swarm.Expire(now - options.EffectivePeerTimeout);
            var answer = swarm.Announce(announce, numWant, now);
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
            swarm.Expire(options.Time.GetUtcNow() - options.EffectivePeerTimeout);
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
            swarm.Expire(now - options.EffectivePeerTimeout);
            if (swarm.Count == 0)
                _swarms.Remove(infoHash);
        }
    }
}
