using System.Security.Cryptography;
using System.Text;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;

namespace MeTorrent.Tests.Metainfo.Lesson;

/// <summary>
/// Builds .torrent bytes for the lesson 02 tests, written out by hand so that the tests of this lesson do
/// not depend on anyone's bencode encoder. <see cref="InfoStart"/> and <see cref="InfoLength"/> say where
/// the info dictionary sits in <see cref="Bytes"/>.
/// </summary>
internal sealed class LessonTorrent
{
    public required byte[] Bytes { get; init; }
    public required int InfoStart { get; init; }
    public required int InfoLength { get; init; }

    public ReadOnlySpan<byte> InfoBytes => Bytes.AsSpan(InfoStart, InfoLength);

    /// <summary>Deterministic content: byte i is (i * 7 + 3) mod 251.</summary>
    public static byte[] Content(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)((i * 7 + 3) % 251);
        return data;
    }

    /// <summary>The concatenated SHA-1 of each <paramref name="pieceLength"/>-sized piece of <paramref name="content"/>.</summary>
    public static byte[] PieceHashes(byte[] content, int pieceLength)
    {
        var hashes = new List<byte>();
        for (int offset = 0; offset < content.Length; offset += pieceLength)
            hashes.AddRange(SHA1.HashData(content.AsSpan(offset, Math.Min(pieceLength, content.Length - offset))));
        return [.. hashes];
    }

    /// <summary>A single-file torrent for <paramref name="content"/>. <paramref name="infoKeysSorted"/> false
    /// writes "name" before "length", as some real (non-canonical) torrents do.</summary>
    public static LessonTorrent SingleFile(string announce, string name, int pieceLength, byte[] content, bool infoKeysSorted = true)
    {
        string length = $"6:lengthi{content.Length}e";
        string nameEntry = Str(name);
        var info = new MemoryStream();
        Write(info, "d");
        Write(info, infoKeysSorted ? length + "4:name" + nameEntry : "4:name" + nameEntry + length);
        Write(info, $"12:piece lengthi{pieceLength}e");
        byte[] hashes = PieceHashes(content, pieceLength);
        Write(info, $"6:pieces{hashes.Length}:");
        info.Write(hashes);
        Write(info, "e");
        return Wrap(announce, info.ToArray());
    }

    /// <summary>A multi-file torrent: folder <paramref name="name"/> holding <paramref name="files"/> in order.</summary>
    public static LessonTorrent MultiFile(string announce, string name, int pieceLength, params (string Path, int Length)[] files)
    {
        var info = new MemoryStream();
        Write(info, "d5:filesl");
        foreach (var (path, length) in files)
            Write(info, $"d6:lengthi{length}e4:pathl{string.Concat(path.Split('/').Select(Str))}ee");
        Write(info, "e4:name" + Str(name) + $"12:piece lengthi{pieceLength}e");
        byte[] hashes = PieceHashes(Content(files.Sum(f => f.Length)), pieceLength);
        Write(info, $"6:pieces{hashes.Length}:");
        info.Write(hashes);
        Write(info, "e");
        return Wrap(announce, info.ToArray());
    }

    /// <summary>Wraps raw info dictionary bytes in a torrent with an announce URL (and <paramref name="extra"/> bencoded keys and values).</summary>
    public static LessonTorrent Wrap(string announce, byte[] info, byte[]? extra = null)
    {
        var torrent = new MemoryStream();
        Write(torrent, "d8:announce" + Str(announce));
        torrent.Write(extra ?? []); // more top-level keys: they sort between "announce" and "info"
        Write(torrent, "4:info");
        int infoStart = (int)torrent.Length;
        torrent.Write(info);
        Write(torrent, "e");
        return new LessonTorrent { Bytes = torrent.ToArray(), InfoStart = infoStart, InfoLength = info.Length };
    }

    /// <summary>Parses a torrent that is valid: an exception from Parse fails the test naming <paramref name="rule"/>.</summary>
    public static Torrent ParseValid(byte[] bytes, string rule) =>
        LessonAssert.Valid(() => Torrent.Parse(bytes), $"This torrent is valid. {rule}");

    public static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    private static string Str(string text) => $"{Encoding.UTF8.GetByteCount(text)}:{text}";

    private static void Write(MemoryStream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
