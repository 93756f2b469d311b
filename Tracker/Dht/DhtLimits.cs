namespace MeTorrent.Tracker.Dht;

/// <summary>
/// Every bound the node keeps, so that no peer can make it use more memory, sockets or bandwidth than
/// these allow. The defaults suit a client; tests lower them to reach the edges quickly.
/// </summary>
public sealed record DhtLimits
{
    /// <summary>Info hashes whose announced peers we store for others.</summary>
    public int MaxInfoHashes { get; init; } = 2000;

    /// <summary>Announced peers kept per info hash.</summary>
    public int MaxPeersPerInfoHash { get; init; } = 100;

    /// <summary>How long an announced peer is kept without a new announce.</summary>
    public TimeSpan PeerLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Queries of ours awaiting an answer; a new query waits for a free slot.</summary>
    public int MaxPendingQueries { get; init; } = 256;

    /// <summary>
    /// No amplification: an answer is at most this many times as long as the query it answers (values
    /// are left out to fit). A forged source address then gains an attacker nothing.
    /// </summary>
    public int MaxAmplification { get; init; } = 4;

    /// <summary>Peers handed out in one get_peers answer, before the amplification bound trims it further.</summary>
    public int MaxValuesPerAnswer { get; init; } = 50;

    /// <summary>Nodes a lookup keeps as candidates (the closest seen so far).</summary>
    public int MaxLookupCandidates { get; init; } = 64;

    /// <summary>Peers one get_peers lookup reports at most.</summary>
    public int MaxPeersPerLookup { get; init; } = 500;
}
