namespace MeTorrent.Download.Metadata;

/// <summary>Bounds on what peers may claim about a torrent's metadata (BEP 9).</summary>
public static class MetadataLimits
{
    /// <summary>
    /// The largest info dictionary we fetch: 32 MiB (2,048 pieces of 16 KiB). Peers announce metadata_size
    /// before sending anything, so a size above this is refused before any allocation, and a lying peer
    /// can make us hold at most this much. Why 32 MiB: the info dictionary of a 100,000-file torrent is
    /// about 17 MB (`metorrent bench` builds one), more files than any real torrent; libtorrent's default
    /// limit is lower still (its max_metadata_size, a few MiB).
    /// </summary>
    public const int MaxSize = 32 * 1024 * 1024;

    // LESSON 09-metadata.pieces: a size we can use is positive and at most MaxSize; say why any other is not (the size is a long: a peer may claim anything).
    /// <summary>Why a claimed metadata_size cannot be used, or null if it can.</summary>
    public static string? SizeProblem(long size)
    {
        // STUB: throw new NotImplementedException("Lesson 09 step 1 (pieces): a peer's metadata_size is a claim: bound it before anything is allocated. Stuck? Lessons/09-Metadata/HINTS.md");
        // BEGIN SOLUTION
        return size switch
        {
            <= 0 => $"metadata_size {size} is not positive",
            > MaxSize => $"metadata_size {size} bytes is larger than the {MaxSize / (1024 * 1024)} MiB we accept",
            _ => null,
        };
        // END SOLUTION
    }
}
