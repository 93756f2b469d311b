namespace MeTorrent.Download.Storage;

/// <summary>How the torrent's files are kept open and flushed.</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// Files kept open at once (least recently used closed first). Far below the usual limit of 1,024
    /// descriptors per process, which sockets share; mainstream clients keep 40 to a few hundred.
    /// </summary>
    public int MaxOpenFiles { get; init; } = 128;

    /// <summary>
    /// The longest written data waits before it is pushed to the disk in the background (flush-behind), so
    /// that the end of a download finds little left to flush. Zero: no flush-behind, only when asked
    /// (<see cref="TorrentStorage.Flush"/>).
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Written bytes that start a background flush at once, without waiting for <see cref="FlushInterval"/>:
    /// a fast download then never has more than about this much (plus what arrives during one flush) waiting
    /// for the disk at its end. Zero: only the interval starts flushes.
    /// </summary>
    public long FlushAfterBytes { get; init; } = 32L << 20;
}
