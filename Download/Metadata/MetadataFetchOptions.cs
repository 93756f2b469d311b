using MeTorrent.Metainfo;
using System.Net;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Metadata;

/// <summary>How <see cref="MetadataFetcher"/> looks for peers and how long it waits for them.</summary>
public sealed class MetadataFetchOptions
{
    /// <summary>Peers to ask besides the magnet link's x.pe and its trackers' peers (the CLI's --peer).</summary>
    public IReadOnlyList<IPEndPoint> Peers { get; init; } = [];

    public PeerId PeerId { get; init; } = PeerId.Generate();

    /// <summary>The port announced to trackers (we do not listen while fetching metadata).</summary>
    public int AnnouncePort { get; init; } = 6881;

    /// <summary>Peers connected at once.</summary>
    public int MaxConnections { get; init; } = 30;

    /// <summary>A peer that does not answer a metadata request within this is not asked again.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Give up when no peer has sent the metadata after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How often trackers are asked again while the metadata is missing.</summary>
    public TimeSpan AnnounceInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How our dials open: plain, then MSE for a peer that hangs up on that (<see cref="Peer.DialEncryption"/>).</summary>
    public Peer.DialEncryption DialEncryption { get; init; } = Peer.DialEncryption.PlainThenMse;

    /// <summary>One line per event: peers connected, dropped, blamed, pieces refused.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>The result of a metadata fetch: the torrent, its .torrent file bytes, and the peers that were found.</summary>
public sealed record FetchedMetadata(Metainfo.Torrent Torrent, byte[] TorrentFile, IReadOnlyList<IPEndPoint> Peers);

/// <summary>The metadata could not be fetched; the message says why in one line.</summary>
public sealed class MetadataException(string message) : Exception(message);
