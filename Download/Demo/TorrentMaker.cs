using System.Security.Cryptography;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Demo;

/// <summary>One entry of a torrent being made: its path inside the torrent, and whether it is a BEP 47 padding file.</summary>
public sealed record PayloadFile(IReadOnlyList<string> Path, long Length, bool IsPadding = false);

/// <summary>
/// Makes a .torrent (BEP 3 info dictionary, optional BEP 12 announce-list) for files already on disk:
/// reads them in torrent order, hashes each piece, bencodes the result. Padding files are zeros and need
/// not exist. Used by the demo and the tests; the bytes are what a real torrent file holds.
/// </summary>
public static class TorrentMaker
{
    /// <param name="root">the file itself (single-file torrent) or the folder holding <paramref name="files"/> (multi-file)</param>
    public static byte[] Create(string root, string name, IReadOnlyList<PayloadFile> files, bool multiFile, int pieceLength, IReadOnlyList<string> trackers)
    {
        if (!multiFile && files.Count != 1)
            throw new ArgumentException("A single-file torrent has exactly one file.", nameof(files));
        var info = new BDictionary
        {
            { "name", new BString(name) },
            { "piece length", new BInteger(pieceLength) },
            { "pieces", new BString(HashPieces(root, files, multiFile, pieceLength)) },
        };
        if (multiFile)
            info["files"] = new BList(files.Select(FileEntry));
        else
            info["length"] = new BInteger(files[0].Length);

        var top = new BDictionary { { "info", info } };
        if (trackers.Count > 0)
        {
            top["announce"] = new BString(trackers[0]);
            if (trackers.Count > 1)
                top["announce-list"] = new BList(trackers.Select(t => (BValue)new BList([new BString(t)])));
        }
        top["created by"] = new BString("metorrent");
        return BencodeEncoder.Encode(top);
    }

    private static BDictionary FileEntry(PayloadFile file)
    {
        var entry = new BDictionary
        {
            { "length", new BInteger(file.Length) },
            { "path", new BList(file.Path.Select(p => (BValue)new BString(p))) },
        };
        if (file.IsPadding)
            entry["attr"] = new BString("p");
        return entry;
    }

    private static byte[] HashPieces(string root, IReadOnlyList<PayloadFile> files, bool multiFile, int pieceLength)
    {
        using var hashes = new MemoryStream();
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = new byte[1 << 20];
        long inPiece = 0;
        foreach (var file in files)
        {
            using var stream = file.IsPadding ? null : File.OpenRead(multiFile ? SafePath.Combine(root, file.Path) : root);
            for (long done = 0; done < file.Length;)
            {
                int want = (int)Math.Min(Math.Min(buffer.Length, file.Length - done), pieceLength - inPiece);
                if (stream is null) buffer.AsSpan(0, want).Clear();
                else stream.ReadExactly(buffer, 0, want);
                sha1.AppendData(buffer, 0, want);
                done += want;
                inPiece += want;
                if (inPiece == pieceLength)
                {
                    hashes.Write(sha1.GetHashAndReset());
                    inPiece = 0;
                }
            }
        }
        if (inPiece > 0)
            hashes.Write(sha1.GetHashAndReset());
        return hashes.ToArray();
    }
}
