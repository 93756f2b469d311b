using System.Net;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

public sealed partial class TorrentEngine
{
    private readonly Dictionary<PeerState, PeerLink> _links = [];
    private Snapshot _published = Snapshot.Empty;

    /// <summary>
    /// The one task that owns the torrent: takes each event to the loop, then hands every command decided
    /// meanwhile to its connection's writer. Ends when the engine closes the channel at shutdown.
    /// </summary>
    private async Task RunLoopAsync()
    {
        var reader = _events.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                for (int handled = 0; handled < 64 && reader.TryRead(out var e); handled++)
                    Dispatch(e, Environment.TickCount64);
                _loop.AfterEvents(Environment.TickCount64);
                Flush();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not a peer's doing (peers' errors end their own connection): stop with what happened.
            var failure = new EngineException($"internal error: {e.Message}", e);
            _completion.TrySetException(failure);   // a download stops here; a seeder, already complete, hears it through LoopFailure
            _loopFailure.TrySetException(failure);
            Log(e.ToString());
            _events.Writer.TryComplete();   // nobody reads events any more: posting them must not wait forever
        }
    }

    private void Dispatch(EngineEvent e, long now)
    {
        switch (e)
        {
            case MessageArrived { Link.State: { } peer, Message.Id: MessageId.Piece, Rented: { } block } piece:
                var request = new BlockRequest(piece.Message.Index, piece.Message.Begin, piece.Message.Length);
                if (!_loop.OnBlock(peer, request, block, now))
                    _blocks.Return(block);
                break;
            case MessageArrived { Link.State: { } peer } message:
                _loop.OnMessage(peer, message.Message, now);
                if (message.Rented is { } rented)
                    _blocks.Return(rented);
                break;
            case MessageArrived { Rented: { } orphan }:
                _blocks.Return(orphan);
                break;
            case PeerJoined joined:
                var record = joined.Dialled ?? _loop.Pool.AddIncoming(joined.Link.Connection.RemoteEndPoint);
                var link = joined.Link;
                if (joined.Dialled is not null && link.Connection.EncryptedHandshake)
                    record.NeedsEncryption = true;
                var state = new PeerState(record, _torrent.PieceCount, link.Connection.Features, _options, now)
                {
                    BytesSent = () => link.Connection.BytesSent,
                    ServesPending = () => link.ServesPending,
                };
                link.State = state;
                _links[state] = link;
                _loop.OnPeerJoined(state, now);
                break;
            case ExtensionsArrived { Link.State: { } peer } extensions:
                _loop.OnExtensions(peer, extensions.Extensions);
                break;
            case PeerLeft { Link.State: { } peer } left:
                _loop.OnPeerLeft(peer, left.Reason);
                _links.Remove(peer);
                break;
            case PieceChecked piece:
                _loop.OnPieceChecked(piece.Piece, piece.Good, piece.DiskError);
                Publish();
                break;
            case PeersFound found:
                _loop.AddPeers(found.EndPoints);
                Publish();
                break;
            case DialFailed failed:
                failed.Record.NeedsEncryption = false;
                _loop.OnDialFailed(failed.Record, failed.Reason);
                break;
            case ViewRequested view:
                view.Answer.TrySetResult(_loop.View(now));
                break;
            case Tick:
                _loop.OnTick(now);
                Publish();
                break;
        }
    }

    /// <summary>Hands each peer's new commands to its writer.</summary>
    private void Flush()
    {
        foreach (var peer in _loop.Peers)
            FlushOutbox(peer);
        foreach (var peer in _loop.TakeDeparted())
            FlushOutbox(peer);
    }

    private void FlushOutbox(PeerState peer)
    {
        if (peer.Outbox.Count == 0)
            return;
        if (_links.TryGetValue(peer, out var link))
            link.Post(peer.Outbox);
        peer.Outbox.Clear();
    }

    /// <summary>What readers on other threads may ask of the engine, copied out of the loop's state after changes.</summary>
    private sealed record Snapshot(bool Complete, int Have, PieceBufferCounts Buffers, int Known, IReadOnlyList<IPEndPoint> Banned)
    {
        public static readonly Snapshot Empty = new(false, 0, default, 0, []);
    }

    private void Publish()
    {
        var state = _loop.State;
        var last = Volatile.Read(ref _published);
        var banned = last.Banned.Count == Stats.PeersBanned ? last.Banned : _loop.Pool.Banned();
        Volatile.Write(ref _published, new Snapshot(state.IsComplete, state.HaveCount, state.PieceBuffers, _loop.Pool.Count, banned));
    }

    private async Task ClockAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TickInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await _events.Writer.WriteAsync(new Tick(), ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DialAsync(PeerRecord record, PeerConnectionOptions options, CancellationToken ct)
    {
        PeerConnection connection;
        try
        {
            connection = await PeerConnection.ConnectAsync(record.EndPoint, _torrent.InfoHash, _options.PeerId, options, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await PostQuietlyAsync(new DialFailed(record, e.Message));
            return;
        }
        if (connection.EncryptedHandshake)
            Log($"{connection.RemoteEndPoint}: dialled with an encrypted handshake (MSE), {connection.EncryptionMethod}");
        await JoinAsync(connection, record, ct);
    }

    /// <summary>A handshaken connection: the loop hears of it first, then its reader and writer run until it ends.</summary>
    private async Task JoinAsync(PeerConnection connection, PeerRecord? dialled, CancellationToken ct)
    {
        IBlockSource source = new StorageBlockSource(_storage);
        if (_options.ServeThrough is { } wrap)
            source = wrap(source);
        var link = new PeerLink(connection, source, Stats, _blocks);
        if (!await PostQuietlyAsync(new PeerJoined(link, dialled)))
        {
            await connection.DisposeAsync();
            return;
        }
        var writer = link.WriteAsync(ct);
        await link.ReadAsync(_events.Writer, ct);
        await writer;
    }

    /// <summary>Posts an event unless the engine has stopped taking them.</summary>
    internal async ValueTask<bool> PostQuietlyAsync(EngineEvent e)
    {
        try
        {
            await _events.Writer.WriteAsync(e);
            return true;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>The loop's requests of the engine: they run off the loop and report back as events.</summary>
    private sealed class Effects(TorrentEngine engine) : ILoopEffects
    {
        public void Verify(InFlightPiece piece) => engine._verifier.Enqueue(piece);

        public void Dial(PeerRecord record)
        {
            var token = engine._stop.Token;
            var options = record.NeedsEncryption ? engine._encryptedDialOptions : engine._connectionOptions;   // read on the loop
            engine._tasks.Run(() => engine.DialAsync(record, options, token));
        }

        public void Completed()
        {
            if (engine._completion.TrySetResult())
                engine._announcer?.Completed();
        }

        public void Failed(EngineException error) => engine._completion.TrySetException(error);

        public void Log(string line) => engine.Log(line);

        public string? TrackerTrouble => engine._announcer is { } announcer ? announcer.LastError ?? "the trackers returned none" : null;
    }
}
