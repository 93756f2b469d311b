using System.Net;
using MeTorrent.Download.Cli;
using MeTorrent.Peer;

namespace MeTorrent.Download.Metadata;

/// <summary>One peer of a metadata fetch: its connection (once open), what it claims, how to close it.</summary>
internal sealed class MetadataPeer(IPEndPoint endPoint, CancellationTokenSource cancel)
{
    public IPEndPoint EndPoint { get; } = endPoint;
    public CancellationTokenSource Cancel { get; } = cancel;
    public PeerConnection? Connection { get; set; }
    public int? ClaimedSize { get; set; }
}

public sealed partial class MetadataFetcher
{
    private async Task RunPeerAsync(MetadataPeer peer)
    {
        await Task.Yield(); // the caller holds the lock
        var token = peer.Cancel.Token;
        try
        {
            var options = new PeerConnectionOptions
            {
                MetadataOnly = true,
                DialEncryption = _options.DialEncryption,
                ConnectTimeout = _options.ConnectTimeout,
                ReadTimeout = _options.Timeout,
            };
            await using var connection = await PeerConnection.ConnectAsync(peer.EndPoint, _magnet.InfoHash, _options.PeerId, options, token);
            lock (_gate)
                peer.Connection = connection;
            _options.Log?.Invoke($"{peer.EndPoint}: connected ({connection.RemoteHandshake.ClientPrefix})");
            if (!connection.SupportsExtensions)
            {
                Fail(peer, $"{peer.EndPoint} does not support the extension protocol (BEP 10), so it cannot send metadata");
                return;
            }
            await connection.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(null, null, peer.EndPoint.Address), token);
            while (true)
            {
                var message = await connection.ReceiveAsync(token);
                if (message.Id != MessageId.Extended)
                    continue;
                if (message.Index == ExtensionNames.HandshakeId && !Register(peer, connection.RemoteExtensions!))
                    return;
                if (message.Index == ExtensionNames.UtMetadataId && MetadataMessage.Decode(message.Payload) is { } metadata)
                    await OnMetadataAsync(peer, connection, metadata, token);
                await TopUpAsync(peer);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // dropped by us, or the fetch is over
        }
        catch (Exception e) when (ErrorMessages.Describe(e) is { } why)
        {
            Fail(peer, why.Contains(peer.EndPoint.ToString(), StringComparison.Ordinal) ? why : $"{peer.EndPoint}: {why}");
        }
        catch (Exception e) when (!token.IsCancellationRequested && e is not (OperationCanceledException or ObjectDisposedException))
        {
            // Neither the network nor a protocol breach: a bug (in the course, a step not written yet). Only this
            // peer is dropped, so other peers can still finish the fetch; what happened is kept for the final
            // error, should no peer send the metadata.
            Fail(peer, $"{peer.EndPoint}: {e.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _peers.Remove(peer.EndPoint);
                _assembly?.RemoveSource(peer.EndPoint);
            }
            peer.Cancel.Dispose();
        }
    }

    /// <summary>The peer's extension handshake: false if it cannot give us the metadata (the connection is closed).</summary>
    private bool Register(MetadataPeer peer, ExtensionHandshake theirs)
    {
        string client = theirs.Client is { Length: > 0 } v ? $" ({v})" : "";
        if (theirs.IdOf(ExtensionNames.UtMetadata) is null)
            return Fail(peer, $"{peer.EndPoint}{client} does not offer ut_metadata");
        if (theirs.MetadataSize is not { } size)
            return Fail(peer, $"{peer.EndPoint}{client} does not have the metadata (no metadata_size)");
        if (MetadataLimits.SizeProblem(size) is { } problem)
        {
            lock (_gate)
                Drop(peer.EndPoint, $"{peer.EndPoint}{client}: {problem}; dropped");
            return false;
        }
        lock (_gate)
        {
            peer.ClaimedSize = (int)size;
            _options.Log?.Invoke($"{peer.EndPoint}{client} offers metadata of {size} bytes");
            if (_assembly?.Size == size)
                _assembly.AddSource(peer.EndPoint);
            else if (_assembly is not null)
                _options.Log?.Invoke($"{peer.EndPoint} announces {size} bytes of metadata, others {_assembly.Size}; kept in reserve");
            ChooseAssembly();
        }
        return true;
    }

    private async Task OnMetadataAsync(MetadataPeer peer, PeerConnection connection, MetadataMessage message, CancellationToken token)
    {
        if (message.Type == MetadataMessageType.Request)
        {
            // We have no metadata to give yet (BEP 9: answer with a reject).
            if (connection.PeerSupports(ExtensionNames.UtMetadata))
                await connection.SendMetadataMessageAsync(MetadataMessage.Reject(message.Piece), token);
            return;
        }
        lock (_gate)
        {
            if (_assembly is null || _verified.Task.IsCompleted)
                return;
            var result = message.Type == MetadataMessageType.Data
                ? _assembly.OnData(peer.EndPoint, message.Piece, message.TotalSize, message.Data.Span)
                : _assembly.OnReject(peer.EndPoint, message.Piece);
            // One line per event: a blamed peer's line is the drop's.
            if (result.Blamed.Count == 0 && result.Message.Length > 0 && result.Outcome != MetadataOutcome.Ignored)
                _options.Log?.Invoke(result.Message);
            foreach (var liar in result.Blamed)
                Drop(liar, result.Message);
            if (result.Outcome == MetadataOutcome.Verified)
                _verified.TrySetResult(_assembly.Verified!);
        }
    }

    /// <summary>Asks the peer for the pieces the assembly gives it now.</summary>
    private async Task TopUpAsync(MetadataPeer peer)
    {
        IReadOnlyList<int> pieces;
        PeerConnection? connection;
        lock (_gate)
        {
            connection = peer.Connection;
            if (connection is null || peer.Cancel.IsCancellationRequested || _assembly is null || _verified.Task.IsCompleted)
                return;
            pieces = _assembly.NextRequests(peer.EndPoint, DateTime.UtcNow);
        }
        try
        {
            foreach (int piece in pieces)
                await connection.SendMetadataMessageAsync(MetadataMessage.Request(piece), peer.Cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ErrorMessages.Describe(e) is not null)
        {
            // the peer's own task sees the broken connection and reports it
        }
    }

    private bool Fail(MetadataPeer peer, string why)
    {
        _options.Log?.Invoke(why);
        lock (_gate)
            _failures.Add(why);
        return false;
    }
}
