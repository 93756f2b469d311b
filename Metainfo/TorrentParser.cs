using MeTorrent.Bencode;

namespace MeTorrent.Metainfo;

/// <summary>
/// Reads a .torrent (BEP 3, with BEP 12 announce-list, BEP 27 private, BEP 47 padding files) and checks
/// everything a download relies on: sizes that add up, one SHA-1 per piece, and safe file paths.
/// </summary>
public static class TorrentParser
{
    /// <summary>Pieces larger than this are refused as absurd (real clients use 16 KiB to 16 MiB).</summary>
    public const int MaxPieceLength = 128 * 1024 * 1024;

    /// <summary>Torrents larger than this (1 PiB) are refused as absurd.</summary>
    public const long MaxTotalLength = 1L << 50;

    /// <summary>A .torrent larger than this (128 MiB) is refused before it is read (a 100,000-file torrent is ~20 MB).</summary>
    public const int MaxTorrentFileLength = 128 * 1024 * 1024;

    // LESSON 02-metainfo.parse: decode the file, find the info dictionary, keep its original bytes,
    // read name, piece length, pieces and the file list with the helpers below, and check that the
    // number of piece hashes matches the total length.
    public static Torrent Parse(ReadOnlyMemory<byte> bytes)
    {
        // STUB: throw new NotImplementedException("Lesson 02 step 1 (parse): a torrent is a bencoded dictionary holding an \"info\" dictionary; read its fields, keep the info dictionary's original bytes, check that the piece hashes cover the length, and report every problem as a MetainfoException. Stuck? Lessons/02-Metainfo/HINTS.md");
        // BEGIN SOLUTION
        // A file costs 3 values plus one per path part: a 1,000,000-file torrent holds 5 to 8 million, more than
        // the decoder's default allows; 10 million keep a hostile .torrent's decoded form under a gigabyte.
        const int maxValues = 10_000_000;
        BValue root;
        try
        {
            root = BencodeDecoder.Decode(bytes, maxValues: maxValues);
        }
        catch (BencodeException e)
        {
            throw new MetainfoException($"Not a valid torrent file: {e.Message}", e);
        }
        if (root is not BDictionary top)
            throw new MetainfoException("Not a valid torrent file: the top level is not a dictionary.");
        if (top.Get("info"u8) is not BDictionary info)
            throw new MetainfoException("Invalid torrent: the \"info\" dictionary is missing (or is not a dictionary).");

        var infoBytes = info.SourceBytes(bytes);
        string name = RequiredText(info, "name", "info");
        if (SafePath.Problem(name) is { } nameProblem)
            throw new MetainfoException($"Unsafe torrent name: {nameProblem}.");
        int pieceLength = ReadPieceLength(info);
        var pieceHashes = ReadPieceHashes(info);
        var (files, isMultiFile) = ReadFiles(info, name);

        long total = files.Count == 0 ? 0 : files[^1].End;
        long expectedPieces = (total + pieceLength - 1) / pieceLength;
        if (total == 0)
            throw new MetainfoException("Invalid torrent: it holds no data (total length 0).");
        int pieceCount = pieceHashes.Length / Torrent.HashLength;
        if (expectedPieces != pieceCount)
            throw new MetainfoException(
                $"Invalid torrent: {total} bytes in pieces of {pieceLength} make {Count(expectedPieces, "piece", "pieces")}, but the torrent has {Count(pieceCount, "piece hash", "piece hashes")}.");

        return new Torrent(infoBytes, name, pieceLength, pieceHashes, files, isMultiFile)
        {
            Announce = OptionalText(top, "announce"),
            AnnounceList = ReadAnnounceList(top),
            Comment = OptionalText(top, "comment"),
            CreatedBy = OptionalText(top, "created by"),
            CreationDate = top["creation date"] is BInteger date && date.Value > 0 && date.Value < 253402300800
                ? DateTimeOffset.FromUnixTimeSeconds(date.Value) : null,
            IsPrivate = info["private"] is BInteger { Value: 1 },
        };
        // END SOLUTION
    }

    private static int ReadPieceLength(BDictionary info)
    {
        long pieceLength = RequiredInteger(info, "piece length", "info");
        if (pieceLength <= 0 || pieceLength > MaxPieceLength)
            throw new MetainfoException($"Invalid torrent: piece length {pieceLength} is not between 1 and {MaxPieceLength}.");
        return (int)pieceLength;
    }

    private static ReadOnlyMemory<byte> ReadPieceHashes(BDictionary info)
    {
        switch (info["pieces"])
        {
            case BString pieces when pieces.Bytes.Length % Torrent.HashLength == 0:
                return pieces.Bytes;
            case BString pieces:
                throw new MetainfoException(
                    $"Invalid torrent: \"pieces\" is {pieces.Bytes.Length} bytes, not a multiple of {Torrent.HashLength}.");
            case null when info.ContainsKey("file tree"u8):
                throw new MetainfoException("This is a v2-only torrent (BEP 52); only v1 and hybrid torrents are supported.");
            default:
                throw new MetainfoException("Invalid torrent: \"pieces\" is missing or not a byte string.");
        }
    }

    private static (IReadOnlyList<TorrentFile> Files, bool IsMultiFile) ReadFiles(BDictionary info, string name)
    {
        var length = info["length"];
        var files = info["files"];
        if (length is not null && files is not null)
            throw new MetainfoException("Invalid torrent: the info dictionary has both \"length\" and \"files\".");
        if (length is not null and not BInteger)
            throw new MetainfoException("Invalid torrent: \"length\" in the info dictionary is not an integer.");
        if (length is BInteger single)
        {
            CheckLength(single.Value, name);
            return ([new TorrentFile([name], single.Value, 0)], false);
        }
        if (files is not BList list)
            throw new MetainfoException("Invalid torrent: the info dictionary has neither \"length\" nor a \"files\" list.");
        if (list.Count == 0)
            throw new MetainfoException("Invalid torrent: the \"files\" list is empty.");

        var result = new List<TorrentFile>(list.Count);
        var layout = new FolderLayout();
        long offset = 0;
        foreach (var entry in list)
        {
            if (entry is not BDictionary file)
                throw new MetainfoException("Invalid torrent: an entry of \"files\" is not a dictionary.");
            var path = ReadPath(file);
            long fileLength = file.Get("length"u8) is BInteger l
                ? l.Value
                : throw new MetainfoException("Invalid torrent: \"length\" is missing from a file entry or is not an integer.");
            if (fileLength < 0 || fileLength > MaxTotalLength)
                CheckLength(fileLength, string.Join('/', path));
            // BEP 47: attr "p" marks a padding file; it is part of the piece space but never written.
            bool isPadding = file.Get("attr"u8) is BString attr && attr.Bytes.Span.Contains((byte)'p');
            // Padding files are never written, and libtorrent names several of them alike (".pad/16384").
            if (!isPadding && layout.Conflict(path) is { } conflict)
                throw new MetainfoException($"Invalid torrent: {conflict}.");
            result.Add(new TorrentFile(path, fileLength, offset, isPadding));
            offset += fileLength;
            if (offset > MaxTotalLength)
                throw new MetainfoException($"Invalid torrent: the files add up to more than {MaxTotalLength} bytes.");
        }
        return (result, true);
    }

    private static string[] ReadPath(BDictionary file)
    {
        // "path.utf-8" is a widespread extension for torrents whose "path" is in another encoding.
        if ((file.Get("path.utf-8"u8) ?? file.Get("path"u8)) is not BList { Count: > 0 } components)
            throw new MetainfoException("Invalid torrent: a file entry has no \"path\" list.");
        var path = new string[components.Count];
        for (int i = 0; i < path.Length; i++)
        {
            if (components[i] is not BString component)
                throw new MetainfoException("Invalid torrent: a path component is not a string.");
            path[i] = component.Text;
            if (SafePath.Problem(path[i]) is { } problem)
                throw new MetainfoException($"Unsafe file path in torrent: {problem} in \"{string.Join('/', path.Take(i + 1))}\".");
        }
        return path;
    }

    private static IReadOnlyList<IReadOnlyList<string>> ReadAnnounceList(BDictionary top)
    {
        if (top["announce-list"] is not BList tiers)
            return [];
        var result = new List<IReadOnlyList<string>>();
        foreach (var tier in tiers)
        {
            if (tier is not BList urls)
                continue;
            var tierUrls = urls.OfType<BString>().Select(u => u.Text).Where(u => u.Length > 0).ToList();
            if (tierUrls.Count > 0)
                result.Add(tierUrls);
        }
        return result;
    }

    private static void CheckLength(long length, string what)
    {
        if (length < 0 || length > MaxTotalLength)
            throw new MetainfoException($"Invalid torrent: \"{what}\" has an impossible length {length}.");
    }

    private static string RequiredText(BDictionary dictionary, string key, string where) =>
        dictionary[key] is BString { Bytes.Length: > 0 } value
            ? value.Text
            : throw new MetainfoException($"Invalid torrent: \"{key}\" is missing from {where} or is not a string.");

    private static long RequiredInteger(BDictionary dictionary, string key, string where) =>
        dictionary[key] is BInteger value
            ? value.Value
            : throw new MetainfoException($"Invalid torrent: \"{key}\" is missing from {where} or is not an integer.");

    private static string? OptionalText(BDictionary dictionary, string key) =>
        dictionary[key] is BString value ? value.Text : null;

    private static string Count(long n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
}
