using System.Security.Cryptography;
using MeTorrent.Bencode;

namespace MeTorrent.Tests.Metainfo;

/// <summary>Hand-made .torrent bytes for tests: a file list and piece length in, correct piece count out.</summary>
public static class TestTorrents
{
    /// <summary>A multi-file info dictionary over files of <paramref name="lengths"/> (named f0, f1, ...).</summary>
    public static BDictionary MultiFileInfo(int pieceLength, params long[] lengths)
    {
        long total = lengths.Sum();
        return new BDictionary
        {
            { "files", new BList(lengths.Select((length, i) => (BValue)new BDictionary
                {
                    { "length", new BInteger(length) },
                    { "path", new BList([new BString($"f{i}")]) },
                })) },
            { "name", new BString("folder") },
            { "piece length", new BInteger(pieceLength) },
            { "pieces", new BString(new byte[PieceCount(total, pieceLength) * 20]) },
        };
    }

    public static BDictionary SingleFileInfo(long length, int pieceLength, string name = "file.bin") => new()
    {
        { "length", new BInteger(length) },
        { "name", new BString(name) },
        { "piece length", new BInteger(pieceLength) },
        { "pieces", new BString(new byte[PieceCount(length, pieceLength) * 20]) },
    };

    /// <summary>A whole torrent around <paramref name="info"/>, with an announce URL.</summary>
    public static byte[] Wrap(BDictionary info, Action<BDictionary>? extra = null)
    {
        var top = new BDictionary
        {
            { "announce", new BString("http://127.0.0.1:6969/announce") },
            { "info", info },
        };
        extra?.Invoke(top);
        return BencodeEncoder.Encode(top);
    }

    /// <summary>An info dictionary whose piece hashes really describe <paramref name="content"/>.</summary>
    public static BDictionary SingleFileInfoFor(byte[] content, int pieceLength, string name = "file.bin")
    {
        var pieces = new List<byte>();
        for (int at = 0; at < content.Length; at += pieceLength)
            pieces.AddRange(SHA1.HashData(content.AsSpan(at, Math.Min(pieceLength, content.Length - at))));
        var info = SingleFileInfo(content.Length, pieceLength, name);
        info["pieces"] = new BString(pieces.ToArray());
        return info;
    }

    private static long PieceCount(long total, int pieceLength) => (total + pieceLength - 1) / pieceLength;
}
