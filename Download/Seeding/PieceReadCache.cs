using System.Buffers;
using MeTorrent.Download.Storage;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The last piece one peer asked for, read from disk whole: peers request a piece's blocks one after
/// another, so one large read replaces many 16 KiB ones. Pieces over the limit are read block by block.
/// </summary>
internal sealed class PieceReadCache(TorrentStorage storage, int limit) : IDisposable
{
    private byte[]? _buffer;
    private int _piece = -1;

    public bool TryRead(BlockRequest request, Span<byte> destination)
    {
        int size = storage.Torrent.PieceSize(request.Piece);
        if (size > limit)
            return storage.TryRead(request.Piece, request.Begin, destination);
        if (_piece != request.Piece)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(Math.Min(limit, storage.Torrent.PieceLength));
            _piece = -1;
            if (!storage.TryRead(request.Piece, 0, _buffer.AsSpan(0, size)))
                return false;
            _piece = request.Piece;
        }
        _buffer.AsSpan(request.Begin, request.Length).CopyTo(destination);
        return true;
    }

    public void Dispose()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _piece = -1;
    }
}
