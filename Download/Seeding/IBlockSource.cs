using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// Where one connection's uploads come from: the loop has checked the request (inside
/// the piece, at most 16 KiB, peer unchoked) and asks for the bytes. The engine's own source is
/// <see cref="StorageBlockSource"/>, the verified pieces on disk; the demo's misbehaving seeders wrap it.
/// </summary>
internal interface IBlockSource
{
    /// <summary>Fills <paramref name="block"/> with the requested bytes and says what to do with the request.</summary>
    ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct);
}

internal enum BlockAnswer
{
    /// <summary>The block is filled in: send it.</summary>
    Send,
    /// <summary>We cannot serve it (we lack the piece, or reading failed): reject it (BEP 6) or ignore it.</summary>
    Refuse,
    /// <summary>Send nothing at all.</summary>
    Ignore,
}
