namespace MeTorrent.Download.Choking;

/// <summary>
/// BEP 3's optimistic unchoke: one more peer is unchoked whatever its rate, so that a newcomer (who has
/// nothing to trade yet) gets its first pieces, and so that we find out whether some choked peer would
/// give us more than our current partners. The slot rotates every
/// <see cref="ChokerSettings.OptimisticInterval"/>; newly connected peers are
/// <see cref="ChokerSettings.NewPeerWeight"/> times as likely to get it.
/// </summary>
public sealed class OptimisticUnchoke<TPeer>(ChokerSettings settings, Random random) where TPeer : notnull
{
    private readonly Random _random = random;
    private TPeer? _current;
    private bool _hasCurrent;
    private TimeSpan _chosenAt;

    /// <summary>The peer holding the slot, if any.</summary>
    public bool TryGetCurrent(out TPeer peer)
    {
        peer = _current!;
        return _hasCurrent;
    }

    /// <summary>Nobody may hold the slot (nobody is interested): the holder, if any, loses it.</summary>
    public void Clear()
    {
        _hasCurrent = false;
        _current = default;
    }

    // LESSON 06-seeding.optimistic: keep the optimistic peer for OptimisticInterval while it stays eligible; then (or when it is gone, uninterested or regular) draw another interested peer outside the regular slots, new peers weighted NewPeerWeight times.
    /// <summary>
    /// The optimistic peer after this rechoke: the same one as before while it still qualifies (connected,
    /// interested, not in a regular slot) and its <see cref="ChokerSettings.OptimisticInterval"/> has not
    /// run out; otherwise a new draw among the interested peers outside <paramref name="regular"/>, a
    /// different one from the last if there is any. False when no peer qualifies.
    /// </summary>
    public bool Choose(IReadOnlyList<ChokeCandidate<TPeer>> peers, IReadOnlyList<TPeer> regular, TimeSpan now, out TPeer chosen)
    {
        // STUB: throw new NotImplementedException("Lesson 06 step 4 (optimistic): BEP 3 optimistic unchoke: one interested peer outside the regular slots, kept for settings.OptimisticInterval, then rotated. Stuck? Lessons/06-Seeding/HINTS.md");
        // BEGIN SOLUTION
        var comparer = EqualityComparer<TPeer>.Default;
        var eligible = peers.Where(p => p.Interested && !regular.Contains(p.Peer)).ToList();
        bool currentStillEligible = _hasCurrent && eligible.Any(p => comparer.Equals(p.Peer, _current));
        if (currentStillEligible && now - _chosenAt < settings.OptimisticInterval)
        {
            chosen = _current!;
            return true;
        }
        var others = eligible.Where(p => !(_hasCurrent && comparer.Equals(p.Peer, _current))).ToList();
        var pool = others.Count > 0 ? others : eligible;
        if (pool.Count == 0)
        {
            _hasCurrent = false;
            _current = default;
            chosen = default!;
            return false;
        }
        _current = Draw(pool);
        _hasCurrent = true;
        _chosenAt = now;
        chosen = _current;
        return true;
        // END SOLUTION
    }

    // LESSON 06-seeding.optimistic: a weighted draw: a peer connected for less than NewPeerAge counts NewPeerWeight times, any other once.
    /// <summary>One peer drawn at random with the injected <see cref="Random"/>; new peers weigh <see cref="ChokerSettings.NewPeerWeight"/>, others 1.</summary>
    public TPeer Draw(IReadOnlyList<ChokeCandidate<TPeer>> pool)
    {
        // STUB: throw new NotImplementedException("Lesson 06 step 4 (optimistic): BEP 3: newly connected peers are settings.NewPeerWeight times as likely to be drawn. Stuck? Lessons/06-Seeding/HINTS.md");
        // BEGIN SOLUTION
        int total = pool.Sum(Weight);
        int ticket = _random.Next(total);
        foreach (var peer in pool)
        {
            ticket -= Weight(peer);
            if (ticket < 0) return peer.Peer;
        }
        throw new InvalidOperationException("the draw ran past the last peer");
        // END SOLUTION
    }

    private int Weight(ChokeCandidate<TPeer> peer) => peer.ConnectedFor < settings.NewPeerAge ? settings.NewPeerWeight : 1;
}
