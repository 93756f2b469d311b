using System.Net;

namespace MeTorrent.Tracker.Dht;

/// <summary>How a <see cref="DhtNode"/> runs. The defaults suit a client; tests shorten the timeouts.</summary>
public sealed record DhtNodeOptions
{
    /// <summary>The address the UDP socket binds to (IPv4 only for now; BEP 32 IPv6 is not done).</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>The UDP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Our node id; null draws a random one (a saved one is reused by <see cref="SavedNodes"/>).</summary>
    public NodeId? Id { get; init; }

    /// <summary>How long to wait for an answer before sending a query again.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a query is sent before the node counts as not answering.</summary>
    public int QueryAttempts { get; init; } = 2;

    /// <summary>How often stale buckets are refreshed (each one after 15 minutes without change).</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(1);

    public DhtLimits Limits { get; init; } = new();

    /// <summary>The clock for tokens, node states and bucket refresh.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
