// Lesson 04-Peer: generated from Peer/MessageWriter.cs by Lessons/tools. Your file: do the TODOs.
using System.Buffers.Binary;

namespace MeTorrent.Peer;

/// <summary>Encodes peer wire messages (BEP 3, BEP 6, BEP 10) into a caller's buffer; each returns the bytes written.</summary>
public static class MessageWriter
{
    public const int RequestLength = 4 + 13;
    public const int PieceHeaderLength = 4 + 9;

    public static int KeepAlive(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 0);
        return 4;
    }

    /// <summary>Choke, Unchoke, Interested, NotInterested, HaveAll, HaveNone: just an id.</summary>
    // TODO(04-peer.framing): a message is its length (4 bytes, big-endian, counting the id), the id, the payload.
    public static int Simple(Span<byte> destination, MessageId id)
    {
        throw new NotImplementedException("Lesson 04 step 2 (framing): a message is its length (4 bytes, big-endian, counting the id), the id, the payload. Stuck? Lessons/04-Peer/HINTS.md");
    }

    /// <summary>Have, Suggest, AllowedFast: an id and a piece index.</summary>
    public static int WithIndex(Span<byte> destination, MessageId id, int index)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 5);
        destination[4] = (byte)id;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], index);
        return 9;
    }

    /// <summary>Request, Cancel, Reject: an id, a piece index, an offset and a length.</summary>
    // TODO(04-peer.framing): request = length 13, id 6, then piece index, begin and length, each 4 bytes big-endian.
    public static int WithBlock(Span<byte> destination, MessageId id, BlockRequest block)
    {
        throw new NotImplementedException("Lesson 04 step 2 (framing): request, cancel and reject carry index, begin and length, each 4 bytes big-endian. Stuck? Lessons/04-Peer/HINTS.md");
    }

    public static int Port(Span<byte> destination, ushort port)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 3);
        destination[4] = (byte)MessageId.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], port);
        return 7;
    }

    public static int Bitfield(Span<byte> destination, ReadOnlySpan<byte> bits)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 1 + bits.Length);
        destination[4] = (byte)MessageId.Bitfield;
        bits.CopyTo(destination[5..]);
        return 5 + bits.Length;
    }

    /// <summary>The 13 bytes before a block's data; the data follows (length prefix counts it).</summary>
    public static int PieceHeader(Span<byte> destination, int piece, int begin, int blockLength)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 9 + blockLength);
        destination[4] = (byte)MessageId.Piece;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], piece);
        BinaryPrimitives.WriteInt32BigEndian(destination[9..], begin);
        return PieceHeaderLength;
    }

    /// <summary>BEP 10: id 20, the extension's id (0 = the extended handshake), then its payload.</summary>
    public static int Extended(Span<byte> destination, byte extensionId, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, 2 + payload.Length);
        destination[4] = (byte)MessageId.Extended;
        destination[5] = extensionId;
        payload.CopyTo(destination[6..]);
        return 6 + payload.Length;
    }
}
