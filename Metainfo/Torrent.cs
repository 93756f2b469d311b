namespace MeTorrent.Metainfo;

/// <summary>
/// A parsed .torrent (BEP 3): where to find peers, and the info dictionary that names the content,
/// splits it into pieces and lists the SHA-1 of each. Build one with <see cref="TorrentParser"/>.
/// </summary>
public sealed class Torrent
{
    public const int HashLength = 20;

    internal Torrent(
        ReadOnlyMemory<byte> infoBytes,
        string name,
        int pieceLength,
        ReadOnlyMemory<byte> pieceHashes,
        IReadOnlyList<TorrentFile> files,
        bool isMultiFile)
    {
        InfoBytes = infoBytes;
        // Computed on first use, so that a torrent can be parsed before InfoHash.Compute is written (lesson 02).
        _infoHash = new Lazy<InfoHash>(() => InfoHash.Compute(infoBytes.Span));
        Name = name;
        PieceLength = pieceLength;
        PieceHashes = pieceHashes;
        Files = files;
        IsMultiFile = isMultiFile;
        TotalLength = files.Count == 0 ? 0 : files[^1].End;
    }

    /// <summary>The info dictionary exactly as it appeared in the file (BEP 9 serves these bytes to peers).</summary>
    public ReadOnlyMemory<byte> InfoBytes { get; }

    public InfoHash InfoHash => _infoHash.Value;

    private readonly Lazy<InfoHash> _infoHash;

    /// <summary>The suggested name: the file name of a single-file torrent, the folder name of a multi-file one.</summary>
    public string Name { get; }

    public int PieceLength { get; }

    /// <summary>The concatenated 20-byte SHA-1 hashes of all pieces.</summary>
    public ReadOnlyMemory<byte> PieceHashes { get; }

    /// <summary>Every file in torrent order, padding files (BEP 47) included, so offsets add up.</summary>
    public IReadOnlyList<TorrentFile> Files { get; }

    public bool IsMultiFile { get; }

    /// <summary>The size of the torrent's byte space: all files, padding included.</summary>
    public long TotalLength { get; }

    public int PieceCount => PieceHashes.Length / HashLength;

    // ---- Outside the info dictionary: tracker and descriptive fields ----

    public string? Announce { get; internal init; }

    /// <summary>BEP 12 tiers of tracker URLs, as listed (empty when the torrent has no announce-list).</summary>
    public IReadOnlyList<IReadOnlyList<string>> AnnounceList { get; internal init; } = [];

    public string? Comment { get; internal init; }

    public string? CreatedBy { get; internal init; }

    public DateTimeOffset? CreationDate { get; internal init; }

    /// <summary>BEP 27: peers come from the torrent's trackers only.</summary>
    public bool IsPrivate { get; internal init; }

    /// <summary>The tracker tiers to use: announce-list when present (BEP 12), otherwise the single announce URL.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TrackerTiers =>
        AnnounceList.Count > 0 ? AnnounceList
        : Announce is null ? []
        : [[Announce]];

    /// <summary>The expected SHA-1 of piece <paramref name="index"/>.</summary>
    // LESSON 02-metainfo.piece-hashes: "pieces" holds one 20-byte SHA-1 per piece, back to back.
    public ReadOnlySpan<byte> PieceHash(int index)
    {
        // STUB: throw new NotImplementedException("Lesson 02 step 3 (piece hashes): \"pieces\" holds one 20-byte SHA-1 per piece, in order; a piece that does not exist is an ArgumentOutOfRangeException. Stuck? Lessons/02-Metainfo/HINTS.md");
        // BEGIN SOLUTION
        CheckPiece(index);
        return PieceHashes.Span.Slice(index * HashLength, HashLength);
        // END SOLUTION
    }

    /// <summary>The length of piece <paramref name="index"/>: <see cref="PieceLength"/>, except perhaps the last.</summary>
    // LESSON 02-metainfo.piece-hashes: every piece is PieceLength long except the last, which holds what is left.
    public int PieceSize(int index)
    {
        // STUB: throw new NotImplementedException("Lesson 02 step 3 (piece hashes): every piece is PieceLength bytes except the last, which holds what is left. Stuck? Lessons/02-Metainfo/HINTS.md");
        // BEGIN SOLUTION
        CheckPiece(index);
        return index < PieceCount - 1 ? PieceLength : LastPieceLength;
        // END SOLUTION
    }

    public int LastPieceLength
    {
        get
        {
            // STUB: throw new NotImplementedException("Lesson 02 step 3 (piece hashes): the last piece holds what the full pieces before it leave of TotalLength; torrents can be far larger than 2 GiB. Stuck? Lessons/02-Metainfo/HINTS.md");
            // BEGIN SOLUTION
            return (int)(TotalLength - (long)(PieceCount - 1) * PieceLength);
            // END SOLUTION
        }
    }

    /// <summary>
    /// Where <paramref name="file"/> is stored under the folder the user chose: directly for a single-file
    /// torrent, inside a folder named <see cref="Name"/> for a multi-file one. Always inside
    /// <paramref name="outputFolder"/> (<see cref="SafePath"/>).
    /// </summary>
    public string PathOnDisk(string outputFolder, TorrentFile file) =>
        SafePath.Combine(outputFolder, IsMultiFile ? [Name, .. file.Path] : file.Path);

    /// <summary>Where <paramref name="index"/> starts in the torrent's byte space.</summary>
    public long PieceOffset(int index) => (long)index * PieceLength;

    /// <summary>
    /// The file segments that hold <paramref name="length"/> bytes starting at <paramref name="offset"/>
    /// inside piece <paramref name="piece"/>. A piece may span several files; zero-length files never appear.
    /// </summary>
    public IReadOnlyList<FileSegment> MapToFiles(int piece, int offset, int length)
    {
        if (offset < 0 || length < 0 || offset + (long)length > PieceSize(piece))
            throw new ArgumentOutOfRangeException(nameof(length), $"Bytes {offset}..{offset + length} are outside piece {piece}.");
        return MapToFiles(PieceOffset(piece) + offset, length);
    }

    /// <summary>
    /// The file segments that hold <paramref name="length"/> bytes at <paramref name="torrentOffset"/>, in order;
    /// their lengths add up to <paramref name="length"/>. Padding files (BEP 47) appear like any other file:
    /// check <see cref="TorrentFile.IsPadding"/> before touching the disk.
    /// </summary>
    public IReadOnlyList<FileSegment> MapToFiles(long torrentOffset, int length)
    {
        if (torrentOffset < 0 || length < 0 || torrentOffset + length > TotalLength)
            throw new ArgumentOutOfRangeException(nameof(length),
                $"Bytes {torrentOffset}..{torrentOffset + length} are outside the torrent's {TotalLength} bytes.");
        var segments = new List<FileSegment>(2);
        int fileIndex = FirstFileAt(torrentOffset);
        long position = torrentOffset;
        long end = torrentOffset + length;
        for (; position < end && fileIndex < Files.Count; fileIndex++)
        {
            var file = Files[fileIndex];
            if (file.Length == 0 || file.End <= position)
                continue;
            int take = (int)(Math.Min(end, file.End) - position);
            segments.Add(new FileSegment(file, position - file.Offset, take, (int)(position - torrentOffset)));
            position += take;
        }
        return segments;
    }

    /// <summary>Binary search: the first file whose range contains <paramref name="offset"/>.</summary>
    private int FirstFileAt(long offset)
    {
        int low = 0, high = Files.Count - 1, found = Files.Count;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            if (Files[mid].End > offset) { found = mid; high = mid - 1; }
            else low = mid + 1;
        }
        return found;
    }

    private void CheckPiece(int index)
    {
        if ((uint)index >= (uint)PieceCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"Piece {index} does not exist; the torrent has {PieceCount}.");
    }

    /// <summary>Reads and parses a .torrent file.</summary>
    public static Torrent Load(string path)
    {
        long size = new FileInfo(path).Length;
        if (size > TorrentParser.MaxTorrentFileLength)
            throw new MetainfoException(
                $"{path} is {size} bytes, too large for a .torrent file (the limit is {TorrentParser.MaxTorrentFileLength}).");
        return TorrentParser.Parse(File.ReadAllBytes(path));
    }

    /// <summary>Parses .torrent bytes.</summary>
    public static Torrent Parse(ReadOnlyMemory<byte> bytes) => TorrentParser.Parse(bytes);
}
