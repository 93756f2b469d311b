using MeTorrent.Metainfo;

namespace MeTorrent.Tracker;

/// <summary>
/// What we tell a tracker in an announce (BEP 3): which torrent, who we are, the port we accept peers on,
/// and how far along we are. The same request goes over HTTP or UDP (BEP 15).
/// </summary>
/// <param name="InfoHash">the torrent</param>
/// <param name="PeerId">our session's peer id (BEP 20)</param>
/// <param name="Port">the TCP port we listen on for incoming peers</param>
public sealed record AnnounceRequest(InfoHash InfoHash, PeerId PeerId, int Port)
{
    /// <summary>Bytes sent to peers so far.</summary>
    public long Uploaded { get; init; }

    /// <summary>Verified bytes received from peers so far.</summary>
    public long Downloaded { get; init; }

    /// <summary>Bytes still missing; 0 makes us a seeder in the tracker's eyes.</summary>
    public long Left { get; init; }

    public AnnounceEvent Event { get; init; }

    /// <summary>How many peers we would like back; a tracker may give fewer.</summary>
    public int NumWant { get; init; } = 50;

    /// <summary>
    /// A random number that stays the same for the session, so a tracker can recognise us when our
    /// address changes (it is not a secret, only an identifier).
    /// </summary>
    public uint Key { get; init; }
}
