using System.Net;

namespace MeTorrent.Tracker;

/// <summary>Where the in-process tracker listens and how it treats its swarms.</summary>
public sealed record TrackerServerOptions
{
    /// <summary>The address to listen on; 127.0.0.1 for tests and demos.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port for HTTP; 0 picks a free one. UDP uses the same number when it is free (like opentracker).</summary>
    public int Port { get; init; }

    /// <summary>Also answer UDP announces (BEP 15).</summary>
    public bool EnableUdp { get; init; } = true;

    /// <summary>The "interval" we tell clients: how long until their next regular announce.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The "min interval" we tell clients (HTTP only; BEP 15 has no field for it).</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A peer that has not announced for this long is dropped; null means three intervals.</summary>
    public TimeSpan? PeerTimeout { get; init; }

    /// <summary>Peers handed out when a client does not say how many it wants.</summary>
    public int DefaultNumWant { get; init; } = 50;

    /// <summary>The most peers one answer holds, whatever numwant asks.</summary>
    public int MaxNumWant { get; init; } = 200;

    /// <summary>The most torrents tracked at once; announces for new ones are refused beyond it, so memory stays bounded.</summary>
    public int MaxSwarms { get; init; } = 100_000;

    /// <summary>The most peers one torrent's swarm holds; an announce beyond it is answered but not recorded.</summary>
    public int MaxPeersPerSwarm { get; init; } = 10_000;

    /// <summary>
    /// The most peers recorded over all torrents (about 200 bytes each): with <see cref="MaxSwarms"/> this bounds
    /// the server's memory whatever announces arrive (thousands of info hashes, every port of an address).
    /// </summary>
    public int MaxPeers { get; init; } = 1_000_000;

    /// <summary>The clock; tests pass a manual one to expire peers and connection ids without waiting.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called with one line per announce and per error (the `tracker` command prints them); null for silence.</summary>
    public Action<string>? Log { get; init; }

    internal TimeSpan EffectivePeerTimeout => PeerTimeout ?? Interval * 3;
}
