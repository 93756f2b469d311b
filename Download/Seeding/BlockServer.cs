using MeTorrent.Download.Engine;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The upload side of one connection: answers a peer's requests with the checks a real client makes
/// (<see cref="RequestCheck"/>): a request outside the piece or over 16 KiB is a protocol error
/// (disconnect); one from a peer we choke is rejected (BEP 6) or, without the fast extension, ignored; the
/// block source then serves it, or refuses it when it lacks the piece (verified pieces only).
/// </summary>
internal sealed class BlockServer(PeerConnection connection, IBlockSource source, EngineStats stats, Metainfo.Torrent torrent)
{
    /// <summary>Pieces up to this size are read from disk whole, once, and served block by block from memory.</summary>
    public const int CachedPieceLimit = 1 << 20;

    private readonly byte[] _block = new byte[Blocks.Size];

    public async ValueTask ServeAsync(BlockRequest request, CancellationToken ct)
    {
        // Whether we hold the piece is the block source's answer (it serves verified pieces only), so the
        // check here is of the request itself and of our choke.
        var verdict = RequestCheck.Judge(request, torrent.PieceLength, torrent.TotalLength, havePiece: true, connection.AmChoking);
        if (verdict == RequestVerdict.Disconnect)
            throw new PeerProtocolException($"request for {request.Length} bytes at {request.Begin} of piece {request.Piece}: outside the piece or over {WireLimits.BlockLength} bytes");
        var block = _block.AsMemory(0, request.Length);
        var answer = verdict == RequestVerdict.Reject ? BlockAnswer.Refuse : await source.ReadAsync(request, block, ct);
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
