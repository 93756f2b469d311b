using MeTorrent.Download.Pex;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// The extension protocol on an engine connection (BEP 10): our extension handshake, and the metadata
/// (BEP 9) served to peers that came with a magnet link. Sent after the bitfield (BEP 3 wants the bitfield
/// first; libtorrent orders them the same way). Peers a peer names in ut_pex (BEP 11) join the pool.
/// </summary>
internal sealed partial class PeerSession
{
    private PexIntake? _pexIntake;
    private PexSender? _pexSender;

    private async ValueTask SendExtensionHandshakeAsync(CancellationToken ct)
    {
        if (!_connection.SupportsExtensions)
            return;
        var ours = ExtensionHandshake.Ours(_swarm.Metadata.MetadataSize, _swarm.ListenPort(), _connection.RemoteEndPoint.Address);
        await _connection.SendExtensionHandshakeAsync(ours, ct);
    }

    /// <summary>
    /// An extended message under one of our ids. A ut_metadata request is answered by the torrent's
    /// <c>MetadataServer</c> (a piece beyond the end gets a reject); a malformed one drops the peer
    /// (<c>MetadataMessage.Decode</c> throws). Data and rejects are not ours to receive here: we have the metadata.
    /// </summary>
    private async ValueTask OnExtendedAsync(PeerMessage message, CancellationToken ct)
    {
        if (message.Index == ExtensionNames.UtPexId)
            TakePexPeers(message.Payload);
        if (message.Index != ExtensionNames.UtMetadataId)
            return;
        if (MetadataMessage.Decode(message.Payload) is { Type: MetadataMessageType.Request } request
            && _connection.PeerSupports(ExtensionNames.UtMetadata))
            await _connection.SendMetadataMessageAsync(_swarm.Metadata.Answer(request), ct);
    }

    /// <summary>
    /// A ut_pex message: its added peers go to the pool, bounded by this connection's <see cref="PexIntake"/>
    /// (50 a message, 200 an hour, one message per 45 s); none for a private torrent (BEP 27).
    /// </summary>
    private void TakePexPeers(ReadOnlyMemory<byte> payload)
    {
        if (!PexPolicy.Allowed(_swarm.Torrent))
            return;
        _pexIntake ??= new PexIntake(_swarm.Torrent.IsPrivate);
        _swarm.Pool.AddRange(_pexIntake.Take(PexMessage.Decode(payload), DateTime.UtcNow));
    }

    /// <summary>
    /// Called by the engine's housekeeping once a second with the peers we are connected to: when the peer
    /// named ut_pex, our <see cref="PexSender"/> decides whether there is news to send (at most once a minute).
    /// </summary>
    public async Task SendPexAsync(IReadOnlyCollection<PexPeer> connected, CancellationToken ct)
    {
        if (!_connection.PeerSupports(ExtensionNames.UtPex))
            return;
        // Never told about itself: a peer that dialled us is known to the others by its listen port.
        _pexSender ??= new PexSender(Record.IsIncoming && _connection.RemoteExtensions?.ListenPort is int port and > 0
            ? new System.Net.IPEndPoint(_connection.RemoteEndPoint.Address, port)
            : _connection.RemoteEndPoint);
        if (_pexSender.Next(connected, DateTime.UtcNow) is not { } message)
            return;
        try
        {
            await _connection.SendPexAsync(message, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is failing; its own task notices and cleans up
        }
    }
}
