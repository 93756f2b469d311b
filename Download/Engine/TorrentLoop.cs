using MeTorrent.Download.Choking;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// The one owner of a torrent's state: the pieces (<see cref="DownloadState"/>: picker, pieces in flight,
/// the request ledger), the connected peers (<see cref="PeerState"/>), the peer pool and the upload
/// slots. Every change arrives as an event — a connection joined or left, a message arrived, a piece was
/// checked, the clock ticked — and is turned into commands in each peer's outbox. It is plain synchronous
/// code with no locks: the engine calls it from a single task, and unit tests call it directly.
/// </summary>
internal sealed partial class TorrentLoop
{
    /// <summary>The most requests a peer may have queued with us at once; more are refused (a request flood costs us nothing).</summary>
    public const int MaxQueuedServes = 500;

    /// <summary>Requests made before a choke and still unanswered this long after it were dropped by the peer: they go back to the pool.</summary>
    public static readonly TimeSpan ChokeGrace = TimeSpan.FromSeconds(2);

    private const long KeepAliveMilliseconds = 90_000;

    private readonly Torrent _torrent;
    private readonly EngineOptions _options;
    private readonly ILoopEffects _effects;
    private readonly Choker<PeerState> _choker;
    private readonly MetadataServer _metadata;
    private readonly List<PeerState> _peers = [];
    private readonly List<PeerState> _departed = [];
    private readonly Dictionary<PeerRequests, PeerState> _byLedger = [];
    private readonly BlockRequest[] _picked;
    private readonly List<(PeerRequests Peer, BlockRequest Request)> _cancels = [];
    private int _dialing;

    public TorrentLoop(Torrent torrent, DownloadState state, EngineOptions options, PeerPool pool, EngineStats stats,
        ILoopEffects effects, Random? random = null)
    {
        _torrent = torrent;
        State = state;
        _options = options;
        Pool = pool;
        Stats = stats;
        _effects = effects;
        _choker = new Choker<PeerState>(new ChokerSettings { RegularSlots = options.UploadSlots }, random ?? new Random());
        _metadata = new MetadataServer(torrent.InfoBytes);
        _picked = new BlockRequest[options.MaxQueueDepth];
        _lastProgressTicks = Environment.TickCount64;
    }

    public DownloadState State { get; }

    public PeerPool Pool { get; }

    public EngineStats Stats { get; }

    /// <summary>The connections the loop is working with.</summary>
    public IReadOnlyList<PeerState> Peers => _peers;

    /// <summary>The port we accept peers on, if we listen (announced in our extension handshake).</summary>
    public int? ListenPort { get; set; }

    /// <summary>
    /// Peers the loop let go of since the last call, whose last commands (a close) still wait in their
    /// outbox: the engine hands those to their writers, then forgets them.
    /// </summary>
    public List<PeerState> TakeDeparted()
    {
        var departed = _departed.ToList();
        _departed.Clear();
        return departed;
    }

    /// <summary>A connection finished its handshake (we dialled it, or it dialled us).</summary>
    public void OnPeerJoined(PeerState peer, long now)
    {
        if (!peer.Record.IsIncoming)
            _dialing = Math.Max(0, _dialing - 1);
        if (peer.Record.IsIncoming && _peers.Count >= _options.MaxPeers)
        {
            peer.Close($"too many peers ({_options.MaxPeers})");
            _departed.Add(peer);
            Pool.Disconnected(peer.Record, useful: false);
            return;
        }
        _peers.Add(peer);
        _byLedger[peer.Requests] = peer;
        State.AddPeer(peer.Requests);
        Stats.PeerConnected();
        _effects.Log($"{peer}: connected ({(peer.Record.IsIncoming ? "incoming" : "outgoing")})");
        var have = State.SnapshotHave();
        if (!have.IsEmpty || peer.SupportsFast)
            peer.Send(new PeerCommand(CommandKind.Bitfield) { Pieces = have });
        // BEP 10 after the bitfield (BEP 3 wants the bitfield first; libtorrent orders them the same way).
        if (peer.SupportsExtensions)
            peer.Send(new PeerCommand(CommandKind.ExtensionHandshake)
            {
                Extensions = ExtensionHandshake.Ours(_metadata.MetadataSize, ListenPort, peer.Record.EndPoint.Address),
            });
        // BEP 5: "Peers supporting the DHT set the last bit of the 8-byte reserved flags" and send a port message.
        if (_options.DhtPort?.Invoke() is { } dhtPort && peer.Features.HasFlag(PeerFeatures.Dht))
            peer.Send(new PeerCommand(CommandKind.Port, Piece: dhtPort));
    }

    /// <summary>A dial failed: the pool waits longer before the next try.</summary>
    public void OnDialFailed(PeerRecord record, string reason)
    {
        _dialing = Math.Max(0, _dialing - 1);
        _effects.Log($"{record}: cannot connect: {reason}");
        Pool.Disconnected(record, useful: false);
    }

    /// <summary>A connection ended (closed, failed, broke the protocol): its requests go back to the pool.</summary>
    public void OnPeerLeft(PeerState peer, string reason) => Remove(peer, reason);

    /// <summary>Closes a connection and forgets it at once: its blocks are free for others from now on.</summary>
    private void Drop(PeerState peer, string reason)
    {
        peer.Close(reason);
        Remove(peer, reason);
    }

    private void Remove(PeerState peer, string reason)
    {
        if (!_peers.Remove(peer))
            return;
        _byLedger.Remove(peer.Requests);
        _departed.Add(peer);
        Pool.Disconnected(peer.Record, useful: peer.BlocksReceived > 0);
        Stats.PeerDisconnected();
        _effects.Log($"{peer}: disconnected: {peer.ClosedBecause ?? reason}");
        if (!peer.AmChoking)
            _rechokeSoon = true;   // its upload slot is free
        HandBackBlocks(peer);
    }

    /// <summary>A departed peer's requests go back to the pool, its pieces no longer count as available, and the others take its blocks.</summary>
    // LESSON 05-download.messages: a peer left: the ledger forgets it (State.RemovePeer: its requests, the pieces it
    // owned, its availability if it was counted), and every other peer tops up with the blocks it freed.
    private void HandBackBlocks(PeerState peer)
    {
        // STUB: throw new NotImplementedException("Lesson 05 step 3 (messages): a peer left: who gets the blocks it still owed us? (README, step 3; HINTS.md)");
        // BEGIN SOLUTION
        State.RemovePeer(peer.Requests, peer.AvailabilityCounted ? peer.Pieces : null);
        TopUpAll();
        // END SOLUTION
    }
}
