using MeTorrent.Bencode;

namespace MeTorrent.Peer;

/// <summary>BEP 9 message types: ask for a piece, a piece with its data, or "I will not send it".</summary>
public enum MetadataMessageType
{
    Request = 0,
    Data = 1,
    Reject = 2,
}

/// <summary>
/// One ut_metadata message (BEP 9). The info dictionary travels in 16 KiB pieces (the last may be shorter):
/// <c>{msg_type: 0, piece: i}</c> asks for piece i; <c>{msg_type: 1, piece: i, total_size: n}</c> is followed,
/// after the dictionary, by the piece's bytes; <c>{msg_type: 2, piece: i}</c> refuses.
/// </summary>
public sealed record MetadataMessage(MetadataMessageType Type, int Piece, long TotalSize, ReadOnlyMemory<byte> Data)
{
    /// <summary>BEP 9: the metadata is sent in pieces of 16 KiB.</summary>
    public const int PieceLength = 16 * 1024;

    /// <summary>The dictionary before a piece's data is a few dozen bytes; more is refused.</summary>
    public const int MaxHeaderLength = 1024;

    /// <summary>The highest piece index we accept: a 2 GiB dictionary. Sizes are judged by the metadata assembly.</summary>
    public const int MaxPiece = int.MaxValue / PieceLength;

    public static MetadataMessage Request(int piece) => new(MetadataMessageType.Request, piece, 0, default);

    public static MetadataMessage Reject(int piece) => new(MetadataMessageType.Reject, piece, 0, default);

    public static MetadataMessage DataPiece(int piece, long totalSize, ReadOnlyMemory<byte> data) => new(MetadataMessageType.Data, piece, totalSize, data);

    // LESSON 08-extensions.metadata-message: the bencoded dictionary {msg_type, piece} (total_size too for a data piece), then a data piece's bytes right after it.
    public byte[] Encode()
    {
        // STUB: throw new NotImplementedException("Lesson 08 step 2 (metadata message): BEP 9: a ut_metadata message is a bencoded dictionary with msg_type (0 request, 1 data, 2 reject) and piece; a data message also gives total_size and carries the piece's bytes right after the dictionary. Stuck? Lessons/08-Extensions/HINTS.md");
        // BEGIN SOLUTION
        var header = new BDictionary { { "msg_type", new BInteger((int)Type) }, { "piece", new BInteger(Piece) } };
        if (Type == MetadataMessageType.Data)
            header.Add("total_size", new BInteger(TotalSize));
        byte[] dictionary = BencodeEncoder.Encode(header);
        return [.. dictionary, .. Data.Span];
        // END SOLUTION
    }

    /// <summary>
    /// Reads a ut_metadata payload; null for a message type BEP 9 does not define (which must be ignored).
    /// A PeerProtocolException for anything malformed: a bad dictionary, a piece out of range, a data piece
    /// above 16 KiB, data after a request or reject. <see cref="Data"/> points into <paramref name="payload"/>.
    /// </summary>
    // LESSON 08-extensions.metadata-message: read the dictionary at the start (BencodeDecoder.DecodePrefix says where it ends; at most MaxHeaderLength bytes), check msg_type, piece and total_size, and keep the bytes after it as a data piece's Data.
    public static MetadataMessage? Decode(ReadOnlyMemory<byte> payload)
    {
        // STUB: throw new NotImplementedException("Lesson 08 step 2 (metadata message): BEP 9: the dictionary comes first and only a data message has bytes after it, at most one 16 KiB piece; a msg_type BEP 9 does not define is ignored, anything else malformed is a protocol error. Stuck? Lessons/08-Extensions/HINTS.md");
        // BEGIN SOLUTION
        BValue header;
        int consumed;
        try
        {
            header = BencodeDecoder.DecodePrefix(payload[..Math.Min(payload.Length, MaxHeaderLength)], out consumed, maxDepth: 4, maxValues: 64);
        }
        catch (BencodeException e)
        {
            throw new PeerProtocolException($"ut_metadata message does not start with a short bencoded dictionary: {e.Message}");
        }
        if (header is not BDictionary dictionary)
            throw new PeerProtocolException("ut_metadata message does not start with a dictionary");
        if (dictionary["msg_type"] is not BInteger type)
            throw new PeerProtocolException("ut_metadata message without msg_type");
        if (dictionary["piece"] is not BInteger { Value: >= 0 and <= MaxPiece } piece)
            throw new PeerProtocolException("ut_metadata message without a valid piece index");
        var data = payload[consumed..];
        switch (type.Value)
        {
            case 0 or 2 when !data.IsEmpty:
                throw new PeerProtocolException($"ut_metadata {(type.Value == 0 ? "request" : "reject")} followed by {data.Length} bytes");
            case 0:
                return Request((int)piece.Value);
            case 2:
                return Reject((int)piece.Value);
            case 1:
                if (dictionary["total_size"] is not BInteger { Value: > 0 } total)
                    throw new PeerProtocolException("ut_metadata data without a valid total_size");
                if (data.Length > PieceLength)
                    throw new PeerProtocolException($"ut_metadata piece of {data.Length} bytes (pieces are at most {PieceLength})");
                return DataPiece((int)piece.Value, total.Value, data);
            default:
                return null;
        }
        // END SOLUTION
    }

    public override string ToString() => Type == MetadataMessageType.Data
        ? $"metadata data piece {Piece} ({Data.Length} bytes of {TotalSize})" : $"metadata {Type.ToString().ToLowerInvariant()} piece {Piece}";
}
