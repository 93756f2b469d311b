using MeTorrent.Download.Engine;
using MeTorrent.Download.Storage;
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// The upload side of one connection: answers a peer's requests from disk with the checks a real
/// client makes (<see cref="RequestCheck"/>): a request is served only if we unchoked the peer, hold the
/// piece, and the range lies inside it; otherwise it is rejected (BEP 6) or, without the fast extension,
/// ignored. A request outside the piece or over 16 KiB is a protocol error: disconnect.
/// </summary>
internal sealed class BlockServer(PeerConnection connection, TorrentStorage storage, DownloadState state, EngineStats stats, SeederQuirk quirk)
{
    /// <summary>Pieces up to this size are read from disk whole, once, and served block by block from memory.</summary>
    public const int CachedPieceLimit = 1 << 20;

    private readonly byte[] _block = new byte[Blocks.Size];
    private readonly PieceReadCache _cache = new(storage, CachedPieceLimit);
    private int _servedThisConnection;

    public async ValueTask ServeAsync(BlockRequest request, CancellationToken ct)
    {
        var torrent = storage.Torrent;
        var verdict = RequestCheck.Judge(request, torrent.PieceLength, torrent.TotalLength, state.Has(request.Piece), connection.AmChoking);
        if (verdict == RequestVerdict.Disconnect)
            throw new PeerProtocolException($"request for {request.Length} bytes at {request.Begin} of piece {request.Piece}: outside the piece or over {WireLimits.BlockLength} bytes");
        var block = _block.AsMemory(0, request.Length);
        if (verdict == RequestVerdict.Reject || !_cache.TryRead(request, block.Span))
        {
            if (connection.SupportsFast)
                await connection.SendRejectAsync(request, ct);
            return;
        }
        if (quirk == SeederQuirk.Silent)
            return;
        if (quirk == SeederQuirk.CorruptBlocks)
            block.Span[request.Length / 2] ^= 0x5A;
        if (quirk == SeederQuirk.DisconnectMidPiece && ++_servedThisConnection > Blocks.CountIn(torrent.PieceLength) / 2)
            throw new EndOfStreamException("(test seeder) leaving in the middle of a piece");
        if (quirk == SeederQuirk.Slow)
            await Task.Delay(2, ct);
        await connection.SendPieceAsync(request.Piece, request.Begin, block, ct);
        stats.BlockUploaded(request.Length);
    }

    /// <summary>Gives the cache buffer back (the connection has ended).</summary>
    public void Release() => _cache.Dispose();
}
