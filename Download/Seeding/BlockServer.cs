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

    /// <summary>Requests answered in one write at most (64 KiB of blocks: the size of a loopback segment).</summary>
    public const int BlocksPerWrite = 4;

    private readonly byte[][] _blocks = [.. Enumerable.Range(0, BlocksPerWrite).Select(_ => new byte[Blocks.Size])];
    private readonly List<OutgoingBlock> _ready = new(BlocksPerWrite);

    /// <summary>
    /// Answers up to <see cref="BlocksPerWrite"/> requests in order: the blocks the source gives go out in one
    /// write; a refused request is rejected (BEP 6) after the blocks read before it, so the order holds. When a
    /// read fails, the blocks read before it are sent and the failure ends the connection.
    /// </summary>
    public async ValueTask ServeAsync(IReadOnlyList<BlockRequest> requests, CancellationToken ct)
    {
        if (requests.Count > BlocksPerWrite)
            throw new ArgumentException($"at most {BlocksPerWrite} requests at once", nameof(requests));
        _ready.Clear();
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var block = _blocks[i].AsMemory(0, request.Length);
            BlockAnswer answer;
            try
            {
                answer = await source.ReadAsync(request, block, ct);
            }
            catch when (_ready.Count > 0 && !ct.IsCancellationRequested)
            {
                // The blocks read before this one are good: they go out before the connection ends, as they
                // would have had each request been answered alone.
                await SendReadyAsync(ct);
                throw;
            }
            if (answer == BlockAnswer.Send)
                _ready.Add(new OutgoingBlock(request.Piece, request.Begin, block));
            else if (answer == BlockAnswer.Refuse && connection.SupportsFast)
            {
                await SendReadyAsync(ct);
                await connection.SendRejectAsync(request, ct);
            }
        }
        await SendReadyAsync(ct);
    }

    private async ValueTask SendReadyAsync(CancellationToken ct)
    {
        if (_ready.Count == 0)
            return;
        await connection.SendPiecesAsync(_ready, ct);
        foreach (var block in _ready)
            stats.BlockUploaded(block.Data.Length);
        _ready.Clear();
    }

    /// <summary>The connection has ended: the source lets go of what it holds.</summary>
    public void Dispose() => (source as IDisposable)?.Dispose();
}
