namespace MeTorrent.Tracker;

/// <summary>
/// BEP 15 timing. A request with no answer is sent again after <c>InitialTimeout * 2^n</c> (n = 0, 1, ...)
/// until <see cref="MaxAttempts"/> sends went unanswered. BEP 15 suggests 15 s and up to 9 sends (about
/// two hours in all); we stop much sooner by default, since another tracker may answer meanwhile.
/// </summary>
public sealed record UdpTrackerOptions
{
    /// <summary>How long to wait for the answer to the first send; each retransmission doubles it.</summary>
    public TimeSpan InitialTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times a request is sent before the tracker counts as dead (at least 1).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long a connection id may be used: BEP 15 says one minute.</summary>
    public TimeSpan ConnectionIdLifetime { get; init; } = TimeSpan.FromMinutes(1);
}
