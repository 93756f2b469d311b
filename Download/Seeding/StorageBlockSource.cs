using MeTorrent.Download.Storage;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The engine's block source: the verified pieces on disk (the loop serves only pieces it has verified),
/// a whole small piece read at once (see <see cref="PieceReadCache"/>).
/// </summary>
internal sealed class StorageBlockSource(TorrentStorage storage) : IBlockSource, IDisposable
{
    private readonly PieceReadCache _cache = new(storage, BlockServer.CachedPieceLimit);

    public ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct) =>
        ValueTask.FromResult(_cache.TryRead(request, block.Span) ? BlockAnswer.Send : BlockAnswer.Refuse);

    /// <summary>Gives the cache buffer back (the connection has ended).</summary>
    public void Dispose() => _cache.Dispose();
}
