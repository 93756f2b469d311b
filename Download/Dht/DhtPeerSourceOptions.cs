namespace MeTorrent.Download.Dht;

/// <summary>How often a <see cref="DhtPeerSource"/> asks the DHT again. The defaults suit a client; the demo and tests shorten them.</summary>
public sealed record DhtPeerSourceOptions
{
    /// <summary>Between lookups while the engine has enough peers (or is complete).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Between lookups while the engine has fewer than <see cref="FewPeers"/> peers connected.</summary>
    public TimeSpan HungryInterval { get; init; } = TimeSpan.FromSeconds(30);

    public int FewPeers { get; init; } = 5;

    /// <summary>Between announces (each also a lookup), while we accept connections; BEP 5 nodes forget a peer after 30 min.</summary>
    public TimeSpan AnnounceInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Done when the node has joined the DHT (its bootstrap may still run as the download starts): the first lookup waits for it.</summary>
    public Task Joined { get; init; } = Task.CompletedTask;

    /// <summary>Receives one line per lookup and announce (for --verbose).</summary>
    public Action<string>? Log { get; init; }
}
