using MeTorrent.Download.Engine;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The upload side of one connection: answers a peer's requests with the checks a real client makes.
/// A request is served only if we unchoked the peer and the block source has the piece (verified
/// pieces only); otherwise it is rejected (BEP 6) or, without the fast extension, ignored. A request
/// outside the piece is a protocol error: disconnect. (The connection already refuses blocks over 16 KiB.)
/// </summary>
internal sealed class BlockServer(PeerConnection connection, IBlockSource source, EngineStats stats, Metainfo.Torrent torrent)
{
    /// <summary>Pieces up to this size are read from disk whole, once, and served block by block from memory.</summary>
    public const int CachedPieceLimit = 1 << 20;

    private readonly byte[] _block = new byte[Blocks.Size];

    public async ValueTask ServeAsync(BlockRequest request, CancellationToken ct)
    {
        if (request.Begin + (long)request.Length > torrent.PieceSize(request.Piece))
            throw new PeerProtocolException($"request for bytes {request.Begin}..{request.Begin + request.Length} of piece {request.Piece}, which has {torrent.PieceSize(request.Piece)}");
        var block = _block.AsMemory(0, request.Length);
        var answer = connection.AmChoking ? BlockAnswer.Refuse : await source.ReadAsync(request, block, ct);
        if (answer == BlockAnswer.Refuse && connection.SupportsFast)
            await connection.SendRejectAsync(request, ct);
        if (answer != BlockAnswer.Send)
            return;
        await connection.SendPieceAsync(request.Piece, request.Begin, block, ct);
        stats.BlockUploaded(request.Length);
    }

    /// <summary>The connection has ended: the source lets go of what it holds.</summary>
    public void Release() => (source as IDisposable)?.Dispose();
}
