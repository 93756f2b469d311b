namespace MeTorrent.Peer;

/// <summary>
/// One received message. Which fields mean something depends on <see cref="Id"/>:
/// Have/Suggest/AllowedFast: Index. Request/Cancel/Reject: Index, Begin, Length.
/// Piece: Index, Begin, Payload (Length = Payload.Length). Port: Index = the DHT port.
/// Bitfield: Payload. Extended: Index = extension id, Payload = the rest.
/// <para>Payload points into the connection's receive buffer: it is valid only until the next
/// ReceiveAsync on the same connection. Copy it before then — that keeps the block path free of garbage.
/// The exception is a piece received into a block (<see cref="PeerConnectionOptions.BlockBuffers"/>): then
/// Payload lies in <see cref="Block"/>, which the receiver owns.</para>
/// </summary>
public readonly record struct PeerMessage(MessageId Id, int Index, int Begin, int Length, ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// For a piece received into a block (<see cref="PeerConnectionOptions.BlockBuffers"/>): the rented array
    /// holding its payload, now the receiver's, to keep or give back. Null otherwise.
    /// </summary>
    public byte[]? Block { get; init; }

    public override string ToString() => Id switch
    {
        MessageId.Have or MessageId.Suggest or MessageId.AllowedFast or MessageId.Port => $"{Id} {Index}",
        MessageId.Request or MessageId.Cancel or MessageId.Reject or MessageId.Piece => $"{Id} {Index}:{Begin}+{Length}",
        MessageId.Extended => $"Extended #{Index} ({Payload.Length} bytes)",
        _ => Id.ToString(),
    };
}

/// <summary>A block of a piece: <see cref="Length"/> bytes at offset <see cref="Begin"/> of piece <see cref="Piece"/>.</summary>
public readonly record struct BlockRequest(int Piece, int Begin, int Length);

/// <summary>A block to send as a piece message (<see cref="PeerConnection.SendPiecesAsync"/>).</summary>
public readonly record struct OutgoingBlock(int Piece, int Begin, ReadOnlyMemory<byte> Data);
