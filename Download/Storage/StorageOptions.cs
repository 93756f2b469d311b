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
    /// How often data written is pushed to the disk in the background (flush-behind), so that the
    /// end of a download finds little left to flush. Zero: only when asked (<see cref="TorrentStorage.Flush"/>).
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);
}
