using MeTorrent.Download.Seeding;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// One connected peer, driven by one task: reads its messages and reacts — keeps a queue of requests
/// sized to its rate while it unchokes us, hands each block to the shared bookkeeping, and serves its
/// requests (<see cref="BlockServer"/>) when it is interested in our pieces. Whatever goes wrong with
/// the peer ends this task only; its requested blocks return to the pool for other peers.
/// </summary>
internal sealed partial class PeerSession
{
    private readonly SwarmContext _swarm;
    private readonly PeerConnection _connection;
    private readonly PeerRequests _requests;
    private readonly BlockServer _server;
    private readonly QueueDepth _depth;
    private readonly CancellationTokenSource _stop = new();
    private readonly BlockRequest[] _picked;
    private readonly List<BlockRequest> _toSend = [];
    private readonly List<(PeerRequests Peer, BlockRequest Request)> _cancels = [];
    private readonly List<int> _newHaves = [];
    private readonly SemaphoreSlim _sendHaves = new(1, 1);
    private readonly SemaphoreSlim _filling = new(1, 1);
    private int _havesRead;
    private bool _availabilityCounted;
    private volatile bool _piecesAnnounced;
    private long _chokedSince = Environment.TickCount64;
    private long _lastChokeTicks;

    /// <summary>Requests made before a choke and still unanswered this long after it were dropped by the peer: they go back to the pool.</summary>
    public static readonly TimeSpan ChokeGrace = TimeSpan.FromSeconds(2);
    private long _lastKeepAlive = Environment.TickCount64;
    private readonly long _connectedTicks = Environment.TickCount64;
    private long _lastBlockTicks = Environment.TickCount64;
    private readonly UploadRate _uploadRate = new();
    private const long KeepAliveMilliseconds = 90_000;

    public PeerSession(SwarmContext swarm, PeerConnection connection, PeerRecord record)
    {
        _swarm = swarm;
        _connection = connection;
        Record = record;
        _requests = swarm.State.AddPeer(record, connection);
        IBlockSource source = new StorageBlockSource(swarm.Storage, swarm.State);
        if (swarm.Options.ServeThrough is { } wrap)
            source = wrap(source);
        _server = new BlockServer(connection, source, swarm.Stats, swarm.Torrent);
        _depth = new QueueDepth(swarm.Options.MinQueueDepth, swarm.Options.MaxQueueDepth, Environment.TickCount64);
        _picked = new BlockRequest[swarm.Options.MaxQueueDepth];
    }

    public PeerRecord Record { get; }

    public PeerConnection Connection => _connection;

    /// <summary>Blocks this connection delivered (a reason to dial the peer again soon).</summary>
    public long BlocksReceived { get; private set; }

    public string? StopReason { get; private set; }

    public double DownloadRate => _depth.BytesPerSecond;

    public void Stop(string reason)
    {
        StopReason ??= reason;
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        var token = linked.Token;
        try
        {
            _havesRead = _swarm.Haves.Count;   // read first: a piece verified meanwhile is then announced twice, never zero times
            var have = _swarm.State.SnapshotHave();
            if (!have.IsEmpty || _connection.SupportsFast)
                await _connection.SendBitfieldAsync(have, token);
            _piecesAnnounced = true;   // from now on have messages may follow
            await SendExtensionHandshakeAsync(token);
            while (true)
            {
                var message = await _connection.ReceiveAsync(token);
                await HandleAsync(message, token);
                if (_swarm.Haves.Count != _havesRead)
                    await SendNewHavesAsync(token);
            }
        }
        finally
        {
            _swarm.State.RemovePeer(_requests, _availabilityCounted ? _connection.PeerPieces : null);
            if (!_connection.AmChoking)
                _swarm.RechokeSoon();   // its upload slot is free
            _server.Release();
            _stop.Dispose();
        }
    }

    private async ValueTask HandleAsync(PeerMessage message, CancellationToken ct)
    {
        switch (message.Id)
        {
            case MessageId.Piece:
                await OnBlockAsync(message, ct);
                break;
            case MessageId.Have:
                // BEP 3 lets a peer with nothing skip the bitfield: its first have starts its count.
                if (_availabilityCounted) _swarm.State.PeerHas(message.Index);
                else
                {
                    _swarm.State.PeerHasAll(_connection.PeerPieces);
                    _availabilityCounted = true;
                }
                if (!_connection.AmInterested && !_swarm.State.Has(message.Index))
                    await UpdateInterestAsync(ct);
                break;
            case MessageId.Bitfield or MessageId.HaveAll:
                _swarm.State.PeerHasAll(_connection.PeerPieces);
                _availabilityCounted = true;
                await UpdateInterestAsync(ct);
                break;
            case MessageId.HaveNone:
                _availabilityCounted = true;
                break;
            case MessageId.Unchoke:
                await FillRequestsAsync(ct);
                break;
            case MessageId.Choke:
                // The requests stay outstanding: an unchoke must not ask for them again (issue 9: a
                // choke/unchoke flood made the engine ask for every block a hundred times). Some peers
                // still send what they had queued; BEP 6 peers reject what they drop; what remains
                // unanswered ChokeGrace after the last choke goes back to the pool (CheckHealth).
                _chokedSince = _lastChokeTicks = Environment.TickCount64;
                break;
            case MessageId.Reject:
                // Not re-requested from this peer at once (it would likely reject again): other peers, or a later top-up, take it.
                _swarm.State.Release(_requests, new BlockRequest(message.Index, message.Begin, message.Length));
                break;
            case MessageId.Request:
                await _server.ServeAsync(new BlockRequest(message.Index, message.Begin, message.Length), ct);
                break;
            case MessageId.Interested or MessageId.NotInterested:
                _swarm.RechokeSoon();   // the choker decides who is unchoked (TorrentEngine.Choking)
                break;
            case MessageId.Extended:
                await OnExtendedAsync(message, ct);
                break;
        }
    }

    private async ValueTask OnBlockAsync(PeerMessage message, CancellationToken ct)
    {
        int length = message.Payload.Length;
        long now = Environment.TickCount64;
        _swarm.Stats.BlockReceived(length);
        _depth.Received(length, now);
        BlocksReceived++;
        _lastBlockTicks = now;
        var completed = _swarm.State.BlockReceived(_requests, message.Index, message.Begin, message.Payload.Span, _cancels);
        if (completed is not null)
            _swarm.Verifier.Enqueue(completed);
        if (_cancels.Count > 0)
            await SendCancelsAsync(ct);
        await FillRequestsAsync(ct);
    }
}
