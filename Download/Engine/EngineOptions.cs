using System.Net;
using MeTorrent.Download.Seeding;
using MeTorrent.Tracker;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Engine;

/// <summary>How a <see cref="TorrentEngine"/> behaves. The defaults suit a real download.</summary>
public sealed class EngineOptions
{
    /// <summary>Connections open at once (dialled and accepted together).</summary>
    public int MaxPeers { get; init; } = 50;

    /// <summary>Listen for incoming connections on this port (0 = any free port); null = do not listen.</summary>
    public int? ListenPort { get; init; }

    /// <summary>The address to listen on.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Any;

    /// <summary>Peers to dial besides those the trackers return (the CLI's --peer).</summary>
    public IReadOnlyList<IPEndPoint> Peers { get; init; } = [];

    /// <summary>Ask the torrent's trackers for peers (and tell them about us).</summary>
    public bool UseTrackers { get; init; } = true;

    /// <summary>
    /// Keep dialling known peers (trackers, --peer) once every piece is here, to offer them our pieces: a
    /// seeder that only waits to be dialled never reaches peers that do not dial (Transmission never dials
    /// 127.0.0.1, nor peers behind NAT).
    /// </summary>
    public bool DialWhenComplete { get; init; }

    public PeerId PeerId { get; init; } = PeerId.Generate();

    /// <summary>A peer with requests outstanding that sends no block for this long is dropped; its blocks go to others.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A peer that keeps us choked this long while we want its pieces is dropped to make room for another.</summary>
    public TimeSpan ChokeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>No verified piece for this long (and the download is not complete): give up with an error.</summary>
    public TimeSpan NoProgressTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The first wait before dialling a failed peer again; it doubles with every failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests kept in flight per peer: sized to its rate (about one second of data), within these bounds.</summary>
    public int MinQueueDepth { get; init; } = 8;

    public int MaxQueueDepth { get; init; } = 500;

    /// <summary>
    /// Regular unchoke slots (BEP 3: four): the interested peers that upload fastest to us (while
    /// seeding: that we upload fastest to), rechoked every 10 s; one more peer is unchoked optimistically.
    /// 0: upload nothing (nobody is ever unchoked).
    /// </summary>
    public int UploadSlots { get; init; } = 4;

    /// <summary>
    /// Bytes of pieces held in memory while downloading: every piece in flight (requested, arriving, or
    /// waiting for its hash check and write) has a piece-length buffer. This bounds the download's memory
    /// whatever the torrent's size, and slows the network down to the pace of hashing and writing when
    /// the disk is the bottleneck. 16 MiB covers the requests in flight at hundreds of MiB/s (a queue
    /// per peer of about one round trip's worth): on the 1 GiB swarm benchmark 24 and 32 MiB were no
    /// faster and cost 6–14 MiB more of peak RSS. At least four pieces are allowed, so that some can be verified while
    /// others arrive.
    /// </summary>
    public long MaxInFlightBytes { get; init; } = DefaultMaxInFlightBytes;

    public const long DefaultMaxInFlightBytes = 16L << 20;

    /// <summary>Message stream encryption (MSE) on this torrent's connections, ours and incoming.</summary>
    public EncryptionMode Encryption { get; init; } = EncryptionMode.Prefer;

    /// <summary>Timeouts of each peer connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The UDP port of our DHT node (BEP 5), asked as each peer joins (a seeder starts its node after the
    /// engine, on the port it listens on): we set the DHT bit in the handshake and send a port message to
    /// every peer that set it too. Null: no DHT.
    /// </summary>
    public Func<ushort?>? DhtPort { get; init; }

    /// <summary>A peer's port message named its DHT node (its address, that port): the caller's node may ping it (BEP 5).</summary>
    public Action<IPEndPoint>? DhtNodeHeard { get; init; }

    /// <summary>Sees every handshake and message on every connection (the CLI's --trace); null: none.</summary>
    public MeTorrent.Peer.WireObserver? Trace { get; init; }

    /// <summary>Receives one line per notable event (a peer dropped or banned, a tracker failing), for --verbose and tests.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Wraps each connection's block source (the verified pieces on disk): the demo's misbehaving
    /// seeders serve through a decorator. Null: serve the pieces as they are.
    /// </summary>
    internal Func<IBlockSource, IBlockSource>? ServeThrough { get; init; }
}
