using MeTorrent.Download.Engine;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The upload side of one connection's writer: the loop has judged each request (<see cref="RequestCheck"/>:
/// inside the piece, at most 16 KiB, a piece we hold, a peer we unchoke); this reads the block from the
/// <see cref="IBlockSource"/> and sends it, or rejects it (BEP 6) when the source refuses.
/// </summary>
internal sealed class BlockServer(PeerConnection connection, IBlockSource source, EngineStats stats) : IDisposable
{
    /// <summary>Pieces up to this size are read from disk whole, once, and served block by block from memory.</summary>
    public const int CachedPieceLimit = 1 << 20;

    private readonly byte[] _block = new byte[Blocks.Size];

    public async ValueTask ServeAsync(BlockRequest request, CancellationToken ct)
    {
        var block = _block.AsMemory(0, request.Length);
        var answer = await source.ReadAsync(request, block, ct);
        if (answer == BlockAnswer.Refuse && connection.SupportsFast)
            await connection.SendRejectAsync(request, ct);
        if (answer != BlockAnswer.Send)
            return;
        await connection.SendPieceAsync(request.Piece, request.Begin, block, ct);
        stats.BlockUploaded(request.Length);
    }

    /// <summary>The connection has ended: the source lets go of what it holds.</summary>
    public void Dispose() => (source as IDisposable)?.Dispose();
}
