using System.Threading.Channels;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// One connection's two tasks, and nothing of the torrent's state: the reader turns each message into an
/// event for the loop (copying its payload, since the connection reuses its buffer); the writer carries out
/// the loop's commands in order. Reading never waits on writing: a peer that does not read what we send
/// stalls only its own writer, while its messages keep arriving.
/// </summary>
internal sealed class PeerLink
{
    private readonly Channel<PeerCommand> _commands = Channel.CreateUnbounded<PeerCommand>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly BlockServer _server;
    private int _servesPending;
    private string? _writeError;

    private readonly BlockPool _blocks;
    private readonly EngineStats _stats;

    public PeerLink(PeerConnection connection, IBlockSource source, EngineStats stats, BlockPool blocks)
    {
        Connection = connection;
        _blocks = blocks;
        _stats = stats;
        _server = new BlockServer(connection, source, stats);
    }

    public PeerConnection Connection { get; }

    /// <summary>The loop's view of this connection (set and read on the loop only).</summary>
    public PeerState? State { get; set; }

    /// <summary>Serve commands queued and not yet carried out.</summary>
    public int ServesPending => Volatile.Read(ref _servesPending);

    /// <summary>Hands the loop's commands to the writer (called by the loop's task only).</summary>
    public void Post(List<PeerCommand> commands)
    {
        foreach (var command in commands)
        {
            if (command.Kind == CommandKind.Serve)
                Interlocked.Increment(ref _servesPending);
            _commands.Writer.TryWrite(command);
        }
    }

    /// <summary>Reads until the connection ends, then posts <see cref="PeerLeft"/> with the reason.</summary>
    public async Task ReadAsync(ChannelWriter<EngineEvent> events, CancellationToken ct)
    {
        string reason;
        try
        {
            while (true)
            {
                var message = await Connection.ReceiveAsync(ct);
                if (message.Id == MessageId.KeepAlive)
                    continue;
                if (message.Id == MessageId.Extended && message.Index == ExtensionNames.HandshakeId)
                {
                    if (Connection.RemoteExtensions is { } extensions)
                        await events.WriteAsync(new ExtensionsArrived(this, extensions), ct);
                    continue;
                }
                byte[]? rented = message.Block;   // a piece's payload, received straight into a pool block: the loop's now
                if (rented is null && !message.Payload.IsEmpty)
                {
                    // The connection reuses its buffer on the next read: the event gets its own copy (a piece
                    // received with --trace on, or any other message with a payload).
                    var copy = message.Payload.Length <= Blocks.Size ? rented = _blocks.Rent() : new byte[message.Payload.Length];
                    message.Payload.CopyTo(copy);
                    message = message with { Payload = copy.AsMemory(0, message.Payload.Length) };
                }
                await PostAsync(events, new MessageArrived(this, message, rented), rented, ct);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason = Volatile.Read(ref _writeError) ?? (e is OperationCanceledException ? "stopped" : e.Message);
        }
        _commands.Writer.TryComplete();
        _stats.ConnectionReceived(Connection.BlockBytesStraight, Connection.BlockBytesCopied);
        try
        {
            await events.WriteAsync(new PeerLeft(this, reason), CancellationToken.None);
        }
        catch (ChannelClosedException)
        {
            // the engine has stopped
        }
    }

    /// <summary>
    /// Posts a message's event; if the engine stops first (the post is cancelled), its block goes back to
    /// the pool here, since no loop will ever see it.
    /// </summary>
    private async ValueTask PostAsync(ChannelWriter<EngineEvent> events, MessageArrived arrived, byte[]? rented, CancellationToken ct)
    {
        try
        {
            await events.WriteAsync(arrived, ct);
        }
        catch when (rented is not null)
        {
            _blocks.Return(rented);
            throw;
        }
    }

    /// <summary>Carries out commands until a close, a failed write or the end of the reader; then closes the connection.</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        var reader = _commands.Reader;
        var batch = new List<PeerCommand>();
        var requests = new List<BlockRequest>();
        var serves = new List<BlockRequest>(BlockServer.BlocksPerWrite);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < 1024 && reader.TryRead(out var command))
                    batch.Add(command);
                SkipWithdrawnServes(batch);
                for (int i = 0; i < batch.Count; i++)
                {
                    var command = batch[i];
                    if (command.Kind == CommandKind.Request)
                    {
                        requests.Add(command.Block);
                        if (i + 1 < batch.Count && batch[i + 1].Kind == CommandKind.Request)
                            continue;   // consecutive requests go out in one write
                        await Connection.SendRequestsAsync(requests, ct);
                        requests.Clear();
                    }
                    else if (command.Kind == CommandKind.Serve)
                    {
                        serves.Add(command.Block);
                        if (serves.Count < BlockServer.BlocksPerWrite && i + 1 < batch.Count && batch[i + 1].Kind == CommandKind.Serve)
                            continue;   // consecutive answers go out in one write, a few blocks at a time
                        await ServeAsync(serves, ct);
                        serves.Clear();
                    }
                    else if (command.Kind == CommandKind.Close)
                        return;
                    else
                        await CarryOutAsync(command, ct);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Volatile.Write(ref _writeError, e is OperationCanceledException ? "stopped" : e.Message);
        }
        finally
        {
            _server.Dispose();
            await Connection.DisposeAsync();   // the reader ends too, and reports the connection gone
        }
    }

    private ValueTask CarryOutAsync(PeerCommand command, CancellationToken ct) => command.Kind switch
    {
        CommandKind.Bitfield => Connection.SendBitfieldAsync(command.Pieces!, ct),
        CommandKind.Have => Connection.SendHaveAsync(command.Piece, ct),
        CommandKind.Interested => Connection.SendInterestedAsync(ct),
        CommandKind.NotInterested => Connection.SendNotInterestedAsync(ct),
        CommandKind.Choke => Connection.SendChokeAsync(ct),
        CommandKind.Unchoke => Connection.SendUnchokeAsync(ct),
        CommandKind.Cancel => Connection.SendCancelAsync(command.Block, ct),
        CommandKind.Reject => Connection.SendRejectAsync(command.Block, ct),
        CommandKind.KeepAlive => Connection.SendKeepAliveAsync(ct),
        CommandKind.Port => Connection.SendPortAsync((ushort)command.Piece, ct),
        CommandKind.ExtensionHandshake => Connection.SendExtensionHandshakeAsync(command.Extensions!, ct),
        CommandKind.Pex => Connection.SendPexAsync(command.Pex!, ct),
        CommandKind.Metadata => Connection.SendMetadataMessageAsync(command.Metadata!, ct),
        _ => ValueTask.CompletedTask,   // Unserve: applied to the batch already; Serve: grouped above
    };

    private async ValueTask ServeAsync(List<BlockRequest> blocks, CancellationToken ct)
    {
        try
        {
            await _server.ServeAsync(blocks, ct);
        }
        finally
        {
            Interlocked.Add(ref _servesPending, -blocks.Count);
        }
    }

    /// <summary>The peer cancelled requests still queued here (BEP 3 cancel): their blocks are not sent.</summary>
    private void SkipWithdrawnServes(List<PeerCommand> batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].Kind != CommandKind.Unserve)
                continue;
            int serve = batch.FindIndex(0, i, c => c.Kind == CommandKind.Serve && c.Block == batch[i].Block);
            if (serve < 0)
                continue;
            batch[serve] = PeerCommand.Unserve(batch[serve].Block);   // a no-op now
            Interlocked.Decrement(ref _servesPending);
        }
    }
}
