// Lesson 06-Seeding: generated from Download/Choking/TitForTat.cs by Lessons/tools. Your file: do the TODOs.
namespace MeTorrent.Download.Choking;

/// <summary>
/// The regular unchoke slots: BEP 3's tit-for-tat. While we download, a slot goes to the interested
/// peers that upload fastest to us, so that peers who give get back; a peer that unchokes us but sends
/// nothing for a minute is snubbing us and gets no regular slot (only the optimistic one can reach it).
/// While seeding nobody uploads to us, so the slots go to the peers we upload fastest to (see
/// <see cref="Rate"/> for why not round robin).
/// </summary>
public static class TitForTat
{
    // TODO(06-seeding.snubbing): a peer snubs us when it unchokes us yet sent no block for SnubTimeout (BEP 3 anti-snubbing).
    /// <summary>The peer unchokes us, yet has sent us no block for <see cref="ChokerSettings.SnubTimeout"/>.</summary>
    public static bool IsSnubbed<TPeer>(ChokeCandidate<TPeer> peer, ChokerSettings settings) where TPeer : notnull
    {
        throw new NotImplementedException("Lesson 06 step 2 (snubbing): BEP 3 anti-snubbing: a peer that unchokes us yet sent no block for settings.SnubTimeout is snubbing us. Stuck? Lessons/06-Seeding/HINTS.md");
    }

    /// <summary>
    /// What a slot is won with: the rate the peer uploads to us while we download; the rate we upload to it
    /// while we seed. Seeding by upload rate (as BitTorrent 4's mainline client did) rather than round
    /// robin (libtorrent's default): the rate a peer takes from us measures its spare download capacity, so
    /// our upload goes where it moves fastest; a leecher that finishes stops being interested and frees its
    /// slot, and the optimistic slot keeps every other peer from starving. Round robin spreads pieces more
    /// evenly over a large swarm of trading leechers, at the cost of rotating every slot every round
    /// (each new unchoke starts a TCP connection's rate from nothing).
    /// </summary>
    public static double Rate<TPeer>(ChokeCandidate<TPeer> peer, bool seeding) where TPeer : notnull =>
        seeding ? peer.UploadRate : peer.DownloadRate;

    // TODO(06-seeding.rechoke): the regular slots go to interested peers, best rate first (Rate), snubbed peers excluded while downloading; a tie keeps the peer that already has a slot.
    /// <summary>
    /// The regular slots: at most <see cref="ChokerSettings.RegularSlots"/> interested peers, best
    /// <see cref="Rate"/> first. While downloading, snubbed peers are left out. Among equal rates a peer in
    /// <paramref name="current"/> (unchoked by the last round) comes first, so that ties do not churn;
    /// otherwise the order of <paramref name="peers"/> decides (the choker shuffles it).
    /// </summary>
    public static IReadOnlyList<TPeer> PickRegular<TPeer>(
        IReadOnlyList<ChokeCandidate<TPeer>> peers, bool seeding, IReadOnlySet<TPeer> current, ChokerSettings settings)
        where TPeer : notnull
    {
        throw new NotImplementedException("Lesson 06 step 3 (rechoke): BEP 3 tit-for-tat: the regular slots go to the interested peers with the best Rate, no snubbing peer while downloading, ties kept by the current holders. Stuck? Lessons/06-Seeding/HINTS.md");
    }
}
