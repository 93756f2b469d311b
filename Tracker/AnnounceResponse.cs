using System.Net;

namespace MeTorrent.Tracker;

/// <summary>
/// A tracker's answer to an announce: peers to try and how long to wait before the next regular
/// announce. The optional fields are the ones real trackers send (BEP 3, BEP 23, BEP 7).
/// </summary>
/// <param name="Peers">peer addresses, IPv4 and IPv6 together, without duplicates</param>
/// <param name="Interval">seconds to wait before the next regular announce</param>
public sealed record AnnounceResponse(IReadOnlyList<IPEndPoint> Peers, TimeSpan Interval)
{
    /// <summary>Announcing sooner than this may be refused.</summary>
    public TimeSpan? MinInterval { get; init; }

    /// <summary>An id the tracker asks us to send back on later announces.</summary>
    public string? TrackerId { get; init; }

    /// <summary>Seeders in the swarm.</summary>
    public int? Complete { get; init; }

    /// <summary>Leechers in the swarm.</summary>
    public int? Incomplete { get; init; }

    /// <summary>A warning the tracker wants shown; the announce itself succeeded.</summary>
    public string? Warning { get; init; }

    /// <summary>The announce URL that answered (set by <see cref="MultiTracker"/> and the single-tracker clients).</summary>
    public string? TrackerUrl { get; init; }
}
