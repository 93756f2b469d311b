namespace MeTorrent.Download.Choking;

/// <summary>
/// BEP 3's choking algorithm, as a pure decision: given every connected peer, which to unchoke. The
/// caller rechokes every <see cref="ChokerSettings.RechokeInterval"/> (and may do so sooner, e.g. when an
/// unchoked peer leaves or loses interest), passing a monotonic <c>now</c>. The only state kept between
/// rounds is who was unchoked (ties keep their slot) and who holds the optimistic slot since when. All
/// randomness comes from the injected <see cref="Random"/>, so a seeded one makes every round reproducible.
/// </summary>
public sealed class Choker<TPeer> where TPeer : notnull
{
    private readonly Random _random;
    private readonly OptimisticUnchoke<TPeer> _optimistic;
    private HashSet<TPeer> _regular = [];

    public Choker(ChokerSettings settings, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.RegularSlots);
        Settings = settings;
        _random = random;
        _optimistic = new OptimisticUnchoke<TPeer>(settings, random);
    }

    public ChokerSettings Settings { get; }

    /// <summary>One rechoke round over every connected peer; <paramref name="seeding"/>: we have every piece.</summary>
    public ChokeDecision<TPeer> Rechoke(IReadOnlyList<ChokeCandidate<TPeer>> peers, TimeSpan now, bool seeding)
    {
        // Nobody wants anything from us (a download from seeders, most of the time): nobody to unchoke, nothing to rank.
        if (!peers.Any(p => p.Interested))
        {
            _regular = [];
            _optimistic.Clear();
            return new ChokeDecision<TPeer>([], default, false);
        }
        // Equal rates are common (every new peer has rate 0): a shuffle makes the order among them random,
        // not the order the caller happens to list its peers in.
        var shuffled = peers.ToArray();
        _random.Shuffle(shuffled);
        var regular = TitForTat.PickRegular(shuffled, seeding, _regular, Settings);
        _regular = [.. regular];
        bool hasOptimistic = _optimistic.Choose(shuffled, regular, now, out var optimistic);
        return new ChokeDecision<TPeer>(regular, hasOptimistic ? optimistic : default, hasOptimistic);
    }
}
