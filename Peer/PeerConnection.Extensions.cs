namespace MeTorrent.Peer;

public sealed partial class PeerConnection
{
    /// <summary>
    /// The peer's extension handshake (BEP 10): the ids it wants ut_metadata and ut_pex under, its
    /// metadata size, client name. Null until it arrives (a peer may send it late, or never); a later
    /// one replaces it. Set by <see cref="ReceiveAsync"/>, which also returns the message.
    /// </summary>
    public ExtensionHandshake? RemoteExtensions { get; private set; }

    /// <summary>Sends our extension handshake (extended message 0). Send it right after the handshake.</summary>
    public ValueTask SendExtensionHandshakeAsync(ExtensionHandshake ours, CancellationToken ct) =>
        SendExtendedAsync(ExtensionNames.HandshakeId, ours.Encode(), ct);

    /// <summary>Sends a ut_metadata message under the peer's id for it (BEP 9).</summary>
    public ValueTask SendMetadataMessageAsync(MetadataMessage message, CancellationToken ct) =>
        SendExtendedAsync(RemoteIdOf(ExtensionNames.UtMetadata), message.Encode(), ct);

    /// <summary>Sends a ut_pex message under the peer's id for it (BEP 11).</summary>
    public ValueTask SendPexAsync(PexMessage message, CancellationToken ct) =>
        SendExtendedAsync(RemoteIdOf(ExtensionNames.UtPex), message.Encode(), ct);

    /// <summary>True once the peer's extension handshake named <paramref name="extension"/>.</summary>
    public bool PeerSupports(string extension) => RemoteExtensions?.IdOf(extension) is not null;

    private byte RemoteIdOf(string extension) =>
        RemoteExtensions?.IdOf(extension)
        ?? throw new InvalidOperationException($"{this} did not announce {extension} in its extension handshake (BEP 10)");

    /// <summary>The extension handshake is read here, so every user of the connection sees the peer's ids.</summary>
    private void InterpretExtended(byte extensionId, ReadOnlyMemory<byte> payload)
    {
        if (extensionId == ExtensionNames.HandshakeId)
            RemoteExtensions = ExtensionHandshake.Decode(payload);
    }
}
