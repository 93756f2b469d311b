using MeTorrent.Download.Choking;

namespace MeTorrent.Download.Engine;

public sealed partial class TorrentEngine
{
    private long _lastRechoke = long.MinValue / 2;
    private volatile bool _rechokeSoon;

    /// <summary>A peer became interested, lost interest or left: rechoke at the next housekeeping round (a free slot is not left idle for 10 s).</summary>
    internal void RechokeSoon()
    {
        _rechokeSoon = true;
        Wake();
    }

    /// <summary>
    /// BEP 3's choking, run from the housekeeping task only (the choker is not shared): every
    /// <see cref="ChokerSettings.RechokeInterval"/>, or sooner when interest changed, the choker ranks the
    /// connected peers and the difference between its decision and each connection's state is sent as
    /// choke / unchoke.
    /// </summary>
    private void RechokeIfDue(long now)
    {
        if (!_rechokeSoon && now - _lastRechoke < _choker.Settings.RechokeInterval.TotalMilliseconds)
            return;
        _rechokeSoon = false;
        _lastRechoke = now;
        if (_choker.Settings.RegularSlots == 0)
            return;   // upload disabled
        var sessions = _swarm.Sessions.Keys.ToList();
        var candidates = new List<ChokeCandidate<PeerSession>>(sessions.Count);
        foreach (var session in sessions)
            candidates.Add(session.ChokeCandidate(now));
        var decision = _choker.Rechoke(candidates, TimeSpan.FromMilliseconds(now), seeding: _swarm.State.IsComplete);
        foreach (var session in sessions)
            _ = session.SetChokedAsync(!decision.Unchokes(session));
    }
}
