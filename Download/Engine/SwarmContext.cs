using System.Collections.Concurrent;
using MeTorrent.Download.Metadata;
using MeTorrent.Download.Seeding;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Engine;

/// <summary>What every connection of one torrent shares: the torrent, the disk, the bookkeeping, the counters.</summary>
internal sealed class SwarmContext(Torrent torrent, TorrentStorage storage, DownloadState state, EngineOptions options, PeerPool pool)
{
    public Torrent Torrent { get; } = torrent;
    public TorrentStorage Storage { get; } = storage;
    public DownloadState State { get; } = state;
    public EngineOptions Options { get; } = options;
    public PeerPool Pool { get; } = pool;
    public EngineStats Stats { get; } = new();
    public HaveLog Haves { get; } = new();
    public ConcurrentDictionary<PeerSession, byte> Sessions { get; } = new();
    public PieceVerifier Verifier { get; set; } = null!;

    /// <summary>Answers ut_metadata requests (BEP 9) from peers that know the torrent by its magnet link.</summary>
    public MetadataServer Metadata { get; } = new(torrent.InfoBytes);

    /// <summary>The port we accept peers on, if we listen (announced in our extension handshake).</summary>
    public Func<int?> ListenPort { get; set; } = () => null;

    /// <summary>Asks the engine for a rechoke at its next housekeeping round (interest changed, a peer left).</summary>
    public Action RechokeSoon { get; set; } = () => { };

    /// <summary>Closes every connection to a peer we just banned.</summary>
    public void Disconnect(PeerRecord record, string reason)
    {
        foreach (var session in Sessions.Keys)
            if (session.Record == record)
                session.Stop(reason);
    }
}
