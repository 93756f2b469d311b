using MeTorrent.Download.Engine;
using MeTorrent.Download.Storage;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>The engine's block source: verified pieces only, read from disk (a whole small piece at once, see <see cref="PieceReadCache"/>).</summary>
internal sealed class StorageBlockSource(TorrentStorage storage, DownloadState state) : IBlockSource, IDisposable
{
    private readonly PieceReadCache _cache = new(storage, BlockServer.CachedPieceLimit);

    public ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct) =>
        ValueTask.FromResult(state.Has(request.Piece) && _cache.TryRead(request, block.Span) ? BlockAnswer.Send : BlockAnswer.Refuse);

    /// <summary>Gives the cache buffer back (the connection has ended).</summary>
    public void Dispose() => _cache.Dispose();
}
