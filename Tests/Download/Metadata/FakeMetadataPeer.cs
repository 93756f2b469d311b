using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Tests.Download.Metadata;

/// <summary>How a <see cref="FakeMetadataPeer"/> answers ut_metadata requests.</summary>
public enum MetadataBehaviour { Honest, WrongHash, Rejects, Silent, ClaimsHugeSize }

/// <summary>
/// A peer on 127.0.0.1 that serves (or mangles) one info dictionary over ut_metadata, for the fetcher's
/// tests: it accepts every connection, answers the handshake with the extension bit, sends its extension
/// handshake after <paramref name="handshakeDelay"/>, and answers requests as its behaviour says.
/// </summary>
public sealed class FakeMetadataPeer : IAsyncDisposable
{
    private const byte OurMetadataId = 3; // not 1, so a client that ignores our "m" would be caught

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly byte[] _info;
    private readonly MetadataBehaviour _behaviour;
    private readonly TimeSpan _handshakeDelay;
    private int _requests;

    public FakeMetadataPeer(byte[] info, MetadataBehaviour behaviour, TimeSpan handshakeDelay = default)
    {
        _info = info;
        _behaviour = behaviour;
        _handshakeDelay = handshakeDelay;
        _listener.Start();
        _serving = ServeAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>ut_metadata requests received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
                connections.Add(ServeOneAsync(await _listener.AcceptSocketAsync(_stop.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeOneAsync(Socket socket)
    {
        var ct = _stop.Token;
        try
        {
            var hash = InfoHash.Compute(_info);
            await using var peer = await PeerConnection.AcceptAsync(socket, h => h == hash, PeerId.Generate(),
                new PeerConnectionOptions { MetadataOnly = true }, ct);
            await Task.Delay(_handshakeDelay, ct);
            long size = _behaviour == MetadataBehaviour.ClaimsHugeSize ? 100L * 1024 * 1024 : _info.Length;
            await peer.SendExtensionHandshakeAsync(new ExtensionHandshake
            {
                Ids = new Dictionary<string, byte> { ["ut_metadata"] = OurMetadataId },
                MetadataSize = size,
                Client = $"fake {_behaviour}",
            }, ct);
            while (true)
            {
                var message = await peer.ReceiveAsync(ct);
                if (message.Id != MessageId.Extended || message.Index != OurMetadataId || MetadataMessage.Decode(message.Payload) is not { Type: MetadataMessageType.Request } request)
                    continue;
                Interlocked.Increment(ref _requests);
                await AnswerAsync(peer, request.Piece, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or EndOfStreamException
                                      or ObjectDisposedException or PeerProtocolException or TimeoutException)
        {
        }
    }

    private async Task AnswerAsync(PeerConnection peer, int piece, CancellationToken ct)
    {
        int start = piece * MetadataMessage.PieceLength;
        var data = start < _info.Length ? _info.AsMemory(start, Math.Min(MetadataMessage.PieceLength, _info.Length - start)) : default;
        switch (_behaviour)
        {
            case MetadataBehaviour.Honest:
                await peer.SendMetadataMessageAsync(MetadataMessage.DataPiece(piece, _info.Length, data), ct);
                break;
            case MetadataBehaviour.WrongHash:
                var forged = data.ToArray();
                forged[0] ^= 0xff;
                await peer.SendMetadataMessageAsync(MetadataMessage.DataPiece(piece, _info.Length, forged), ct);
                break;
            case MetadataBehaviour.Rejects:
                await peer.SendMetadataMessageAsync(MetadataMessage.Reject(piece), ct);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _listener.Stop();
        await _serving;
    }
}
