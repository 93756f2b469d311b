// Lesson 02-Metainfo: copied from Metainfo/TorrentBuilder.cs by Lessons/tools. Provided complete; nothing to do here.
using MeTorrent.Bencode;

namespace MeTorrent.Metainfo;

/// <summary>
/// Makes a v1 .torrent (BEP 3) from a file or a folder. A folder's files are listed sorted by their
/// '/'-joined relative path, byte by byte (mktorrent's order), so the same content always gives the same
/// info hash. Hashing streams through one piece-sized buffer: no file is ever held in memory whole.
/// Symbolic links and special files (devices, pipes, sockets) inside a folder are skipped and reported in
/// <see cref="Skipped"/>; a link or special file given as the source itself is refused.
/// </summary>
public sealed class TorrentBuilder(string sourcePath)
{
    public const string DefaultCreatedBy = "MeTorrent 0.1";
    public const int MinPieceLength = 16 * 1024;
    public const int MaxPieceLength = 64 * 1024 * 1024;

    /// <summary>More pieces than this would make a .torrent of over 100 MB of hashes alone.</summary>
    public const int MaxPieceCount = 5_000_000;

    /// <summary>Bytes per piece, a power of two; null picks one from the total size (<see cref="ChoosePieceLength"/>).</summary>
    public int? PieceLength { get; set; }

    /// <summary>
    /// Allows piece lengths below <see cref="MinPieceLength"/> (any power of two), for tests that want a
    /// handful of bytes per piece. Peers ask for 16 KiB blocks, so a real torrent should never use them.
    /// </summary>
    public bool AllowSmallPieces { get; set; }

    /// <summary>
    /// BEP 47, folder torrents only: every file of at least this many bytes starts at a piece boundary,
    /// after a padding file ".pad/N" (attr "p") of N zero bytes where needed; 0 aligns every non-empty file.
    /// Null (the default) adds no padding: the layout mktorrent makes.
    /// </summary>
    public long? AlignFilesOfAtLeast { get; set; }

    /// <summary>Tracker URLs: the first becomes "announce"; with more than one, each is its own BEP 12 tier.</summary>
    public IList<string> Trackers { get; } = [];

    /// <summary>BEP 27: clients get peers from the trackers only. Stored inside info, so it changes the info hash.</summary>
    public bool IsPrivate { get; set; }

    public string? Comment { get; set; }

    public string CreatedBy { get; set; } = DefaultCreatedBy;

    /// <summary>Written as "creation date"; null leaves it out.</summary>
    public DateTimeOffset? CreationDate { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Entries of the folder that were left out, and why (filled by <see cref="Build"/>).</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    private readonly List<string> _skipped = [];

    /// <summary>
    /// A piece length for <paramref name="totalLength"/> bytes: the smallest power of two that keeps the
    /// torrent at about 1500 pieces or fewer, between 16 KiB and 16 MiB.
    /// </summary>
    public static int ChoosePieceLength(long totalLength)
    {
        const int targetPieces = 1500;
        int pieceLength = MinPieceLength;
        while (pieceLength < 16 * 1024 * 1024 && (long)pieceLength * targetPieces < totalLength)
            pieceLength *= 2;
        return pieceLength;
    }

    /// <summary>Hashes the content and returns the bencoded .torrent.</summary>
    public byte[] Build(CancellationToken cancellation = default)
    {
        _skipped.Clear();
        var source = SourceFiles.Collect(sourcePath, _skipped);
        long total = source.Files.Sum(f => f.Length);
        if (total == 0)
            throw new MetainfoException($"{sourcePath} holds no data (every file is empty); a torrent needs at least one byte.");
        int pieceLength = PieceLength ?? ChoosePieceLength(total);
        CheckPieceLength(pieceLength, AllowSmallPieces ? 1 : MinPieceLength);
        var files = source.IsFolder && AlignFilesOfAtLeast is long alignFrom
            ? PaddingFiles.Insert(source.Files, pieceLength, alignFrom)
            : source.Files;
        total = files.Sum(f => f.Length);
        if ((total + pieceLength - 1) / pieceLength > MaxPieceCount)
            throw new MetainfoException(
                $"{total} bytes in pieces of {pieceLength} make more than {MaxPieceCount} pieces; choose a larger piece length.");

        byte[] pieces = PieceHasher.Hash(files, total, pieceLength, cancellation);

        var info = new BDictionary
        {
            { "name", new BString(source.Name) },
            { "piece length", new BInteger(pieceLength) },
            { "pieces", new BString(pieces) },
        };
        if (source.IsFolder)
            info.Add("files", new BList(files.Select(FileEntry)));
        else
            info.Add("length", new BInteger(total));
        if (IsPrivate)
            info.Add("private", new BInteger(1));

        var torrent = new BDictionary { { "info", info } };
        if (Trackers.Count > 0)
            torrent.Add("announce", new BString(Trackers[0]));
        if (Trackers.Count > 1)
            torrent.Add("announce-list", new BList(Trackers.Select(t => (BValue)new BList([new BString(t)]))));
        if (Comment is not null)
            torrent.Add("comment", new BString(Comment));
        torrent.Add("created by", new BString(CreatedBy));
        if (CreationDate is { } date)
            torrent.Add("creation date", new BInteger(date.ToUnixTimeSeconds()));
        return BencodeEncoder.Encode(torrent);
    }

    private static BValue FileEntry(SourceFiles.Entry file)
    {
        var entry = new BDictionary
        {
            { "length", new BInteger(file.Length) },
            { "path", new BList(file.RelativePath.Select(c => (BValue)new BString(c))) },
        };
        if (file.IsPadding)
            entry.Add("attr", new BString("p"));   // BEP 47
        return entry;
    }

    private static void CheckPieceLength(int pieceLength, int minimum)
    {
        if (pieceLength < minimum || pieceLength > MaxPieceLength || !int.IsPow2(pieceLength))
            throw new MetainfoException(minimum == MinPieceLength
                ? $"Piece length {pieceLength} must be a power of two from {MinPieceLength} (16 KiB) to {MaxPieceLength} (64 MiB)."
                : $"Piece length {pieceLength} must be a power of two up to {MaxPieceLength} (64 MiB).");
    }
}
