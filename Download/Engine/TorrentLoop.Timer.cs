using MeTorrent.Download.Choking;
using MeTorrent.Download.Pex;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>What the clock decides: dialling, dropping stalled peers, rechoking (BEP 3), PEX (BEP 11), giving up.</summary>
internal sealed partial class TorrentLoop
{
    private long _lastHealthCheck = long.MinValue / 2;
    private long _lastRechoke = long.MinValue / 2;
    private bool _rechokeSoon;
    private long _lastProgressTicks;
    private long _lastBytesDone = -1;

    /// <summary>The engine's clock, about five times a second.</summary>
    public void OnTick(long now)
    {
        if (!State.IsComplete || _options.DialWhenComplete)
            DialMore();
        if (now - _lastHealthCheck >= 1000)
        {
            _lastHealthCheck = now;
            var pex = PexPolicy.Allowed(_torrent) ? ConnectedPexPeers() : null;
            foreach (var peer in _peers.ToList())
            {
                CheckHealth(peer, now);
                if (pex is not null)
                    SendPex(peer, pex);
                if (!peer.AmInterested)
                    UpdateInterest(peer);   // a piece failed or a peer left: something may be wanted again
            }
        }
        // A peer with a short queue gets no message that would top it up (its blocks went to a departed
        // peer, a failed piece came back): look at every queue.
        foreach (var peer in _peers)
            if (peer.Requests.Outstanding.Count < _options.MinQueueDepth)
                TopUp(peer);
        CheckProgress(now);
        RechokeIfDue(now);
    }

    private void DialMore()
    {
        int room = _options.MaxPeers - _peers.Count - _dialing;
        if (room <= 0)
            return;
        foreach (var record in Pool.TakeCandidates(room))
        {
            _dialing++;
            _effects.Dial(record);
        }
    }

    /// <summary>
    /// Once a second per peer: one that stalls or never unchokes us is let go; requests it seems to have
    /// dropped (unanswered long after later ones, or made before a choke and unanswered
    /// <see cref="ChokeGrace"/> after it) go back to the pool and are cancelled at the peer.
    /// </summary>
    private void CheckHealth(PeerState peer, long now)
    {
        if (State.IsStalled(peer.Requests, _options.StallTimeout, now))
        {
            Drop(peer, $"sent nothing for {_options.StallTimeout.TotalSeconds:0} s");
            return;
        }
        if (peer.AmInterested && peer.PeerChoking && now - peer.ChokedSinceTicks > _options.ChokeTimeout.TotalMilliseconds)
        {
            Drop(peer, $"kept us choked for {_options.ChokeTimeout.TotalSeconds:0} s");
            return;
        }
        if (now - peer.LastKeepAliveTicks > KeepAliveMilliseconds)
        {
            // BEP 3: peers drop connections silent for about two minutes; an idle seeding link stays open.
            peer.LastKeepAliveTicks = now;
            peer.Send(PeerCommand.Simple(CommandKind.KeepAlive));
        }
        var forgotten = new List<BlockRequest>();
        State.ReleaseForgotten(peer.Requests, _options.StallTimeout, now, forgotten);
        if (peer.LastChokeTicks > 0 && now - peer.LastChokeTicks > ChokeGrace.TotalMilliseconds)
            State.ReleaseMadeBefore(peer.Requests, peer.LastChokeTicks, forgotten);
        foreach (var request in forgotten)
            Withdraw(peer, request);
        if (forgotten.Count > 0)
            TopUpAll();
    }

    /// <summary>The engine's clock: <see cref="OnTick"/> comes about this often.</summary>
    public const int TickMs = 200;

    /// <summary>
    /// After each batch of events: the rechoke that a change of interest or a departure asked for runs at
    /// once, so a newly interested peer is unchoked without waiting for the clock (within the gap of
    /// <see cref="RechokeIfDue"/>).
    /// </summary>
    public void AfterEvents(long now) => RechokeIfDue(now);

    /// <summary>
    /// BEP 3's choking: every <see cref="ChokerSettings.RechokeInterval"/>, or sooner when interest changed
    /// or an unchoked peer left, the choker ranks the peers; the difference with each peer's state is sent.
    /// A round asked for sooner waits until <see cref="TickMs"/> after the last one: a peer that toggles its
    /// interest causes at most five rounds a second, however its messages and the ticks fall.
    /// </summary>
    private void RechokeIfDue(long now)
    {
        long since = now - _lastRechoke;
        bool due = since >= _choker.Settings.RechokeInterval.TotalMilliseconds;
        bool asked = _rechokeSoon && since >= TickMs;
        if (!due && !asked)
            return;
        _rechokeSoon = false;
        _lastRechoke = now;
        if (_choker.Settings.RegularSlots == 0)
            return;   // upload disabled
        var candidates = new List<ChokeCandidate<PeerState>>(_peers.Count);
        foreach (var peer in _peers)
            candidates.Add(new ChokeCandidate<PeerState>(
                peer,
                peer.PeerInterested,
                peer.Depth.BytesPerSecond,
                peer.UploadRate.Update(peer.BytesSent(), now),
                TimeSpan.FromMilliseconds(now - peer.ConnectedTicks),
                TimeSpan.FromMilliseconds(now - peer.LastBlockTicks),
                peer.PeerChoking));
        var decision = _choker.Rechoke(candidates, TimeSpan.FromMilliseconds(now), seeding: State.IsComplete);
        foreach (var peer in _peers)
        {
            bool choke = !decision.Unchokes(peer);
            if (choke == peer.AmChoking)
                continue;
            peer.AmChoking = choke;
            peer.Send(PeerCommand.Simple(choke ? CommandKind.Choke : CommandKind.Unchoke));
        }
    }

    /// <summary>
    /// The peers we are connected to, as PEX names them (BEP 11): the address to dial (for a peer that
    /// dialled us, its listen port from its extension handshake; without one it is left out), Reachable
    /// when we dialled it, Seed when it has every piece.
    /// </summary>
    private List<PexPeer> ConnectedPexPeers()
    {
        var peers = new List<PexPeer>();
        foreach (var peer in _peers)
            if (peer.DialableEndPoint is { } endPoint)
                peers.Add(new PexPeer(endPoint,
                    (peer.Record.IsIncoming ? PexFlags.None : PexFlags.Reachable) | (peer.Pieces.IsComplete ? PexFlags.Seed : PexFlags.None)));
        return peers;
    }

    /// <summary>When the peer named ut_pex, its <see cref="PexSender"/> decides whether there is news (at most once a minute).</summary>
    private static void SendPex(PeerState peer, List<PexPeer> connected)
    {
        if (peer.Extensions?.IdOf(ExtensionNames.UtPex) is null)
            return;
        // Never told about itself: a peer that dialled us is known to the others by its listen port.
        peer.PexSender ??= new PexSender(peer.DialableEndPoint ?? peer.Record.EndPoint);
        if (peer.PexSender.Next(connected, DateTime.UtcNow) is { } message)
            peer.Send(new PeerCommand(CommandKind.Pex) { Pex = message });
    }

    private void CheckProgress(long now)
    {
        long done = Stats.BytesDone;
        if (done != _lastBytesDone || State.IsComplete)
        {
            _lastBytesDone = done;
            _lastProgressTicks = now;
            return;
        }
        var limit = _options.NoProgressTimeout;
        if (now - _lastProgressTicks < limit.TotalMilliseconds)
            return;
        _lastProgressTicks = now;
        string why = Pool.Count == 0
            ? "no peers found" + (_effects.TrackerTrouble is { } trouble ? $" ({trouble})" : "")
            : $"{Pool.Count} peer{(Pool.Count == 1 ? "" : "s")} known, {_peers.Count} connected, none sending data";
        _effects.Failed(new EngineException($"no progress for {limit.TotalSeconds:0} s: {why}"));
    }
}
