using MeTorrent.Peer;

namespace MeTorrent.Download.Metadata;

/// <summary>
/// Answers peers' ut_metadata requests (BEP 9) from a torrent we have: a data message with the 16 KiB
/// piece, or a reject for a piece that does not exist. Pure; a connection that has negotiated
/// ut_metadata sends what <see cref="Answer"/> returns. Our extension handshake announces
/// <see cref="MetadataSize"/> so that peers know they may ask.
/// </summary>
public sealed class MetadataServer(ReadOnlyMemory<byte> infoBytes)
{
    public int MetadataSize => infoBytes.Length;

    public int PieceCount => (infoBytes.Length + MetadataMessage.PieceLength - 1) / MetadataMessage.PieceLength;

    /// <summary>The answer to <paramref name="request"/>; its Data points into the info bytes (no copy).</summary>
    public MetadataMessage Answer(MetadataMessage request)
    {
        if (request.Type != MetadataMessageType.Request)
            throw new ArgumentException("only a request has an answer", nameof(request));
        if (request.Piece >= PieceCount)
            return MetadataMessage.Reject(request.Piece);
        int start = request.Piece * MetadataMessage.PieceLength;
        int length = Math.Min(MetadataMessage.PieceLength, infoBytes.Length - start);
        return MetadataMessage.DataPiece(request.Piece, infoBytes.Length, infoBytes.Slice(start, length));
    }
}
