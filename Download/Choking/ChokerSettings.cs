namespace MeTorrent.Download.Choking;

/// <summary>
/// The numbers of BEP 3's choking algorithm ("the currently deployed choking algorithm"), kept by
/// mainstream clients to this day. The defaults are BEP 3's.
/// </summary>
public sealed record ChokerSettings
{
    /// <summary>Regular unchoke slots, given to the interested peers that deserve them most (BEP 3: four).</summary>
    public int RegularSlots { get; init; } = 4;

    /// <summary>How often the caller should rechoke: rarely enough to avoid fibrillation (BEP 3: ten seconds).</summary>
    public TimeSpan RechokeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one peer keeps the optimistic slot before it rotates (BEP 3: thirty seconds).</summary>
    public TimeSpan OptimisticInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A peer connected for less than this is new, and <see cref="NewPeerWeight"/> times as likely to be picked optimistically.</summary>
    public TimeSpan NewPeerAge { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>BEP 3: newly connected peers are three times as likely to start as the optimistic unchoke.</summary>
    public int NewPeerWeight { get; init; } = 3;

    /// <summary>A peer that unchokes us but sends nothing for this long is snubbing us and loses its regular slot (BEP 3: a minute).</summary>
    public TimeSpan SnubTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
