using System.Security.Cryptography;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// A single-file torrent made in memory for tests: deterministic pseudo-random content, its .torrent
/// bytes and the parsed <see cref="Torrent"/>. <see cref="WriteTo"/> puts both on disk for the CLI and
/// for third-party seeders (the data file is named <see cref="Name"/> inside the folder).
/// </summary>
public sealed class TestTorrent
{
    private TestTorrent(string name, byte[] data, int pieceLength, byte[] torrentBytes)
    {
        Name = name;
        Data = data;
        PieceLength = pieceLength;
        TorrentBytes = torrentBytes;
        Torrent = Torrent.Parse(torrentBytes);
    }

    public string Name { get; }
    public byte[] Data { get; }
    public int PieceLength { get; }
    public byte[] TorrentBytes { get; }
    public Torrent Torrent { get; }
    public InfoHash InfoHash => Torrent.InfoHash;
    public int PieceCount => Torrent.PieceCount;

    /// <summary>The bytes of piece <paramref name="index"/> (the last one may be short).</summary>
    public ReadOnlySpan<byte> Piece(int index) => Data.AsSpan(index * PieceLength, Torrent.PieceSize(index));

    /// <param name="length">content size; pick one that is not a multiple of the piece length so the last piece is short</param>
    public static TestTorrent Create(int length, int pieceLength = 256 * 1024, int seed = 1, string name = "payload.bin",
        string announce = "http://127.0.0.1:1/announce")
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        var hashes = new byte[(length + pieceLength - 1) / pieceLength * 20];
        for (int i = 0, offset = 0; offset < length; i++, offset += pieceLength)
            SHA1.HashData(data.AsSpan(offset, Math.Min(pieceLength, length - offset)), hashes.AsSpan(i * 20, 20));
        var info = new BDictionary
        {
            { "length", new BInteger(length) },
            { "name", new BString(name) },
            { "piece length", new BInteger(pieceLength) },
            { "pieces", new BString(hashes) },
        };
        var torrent = new BDictionary
        {
            { "announce", new BString(announce) },
            { "info", info },
        };
        return new TestTorrent(name, data, pieceLength, BencodeEncoder.Encode(torrent));
    }

    /// <summary>Writes the data as <paramref name="folder"/>/Name and the torrent as <paramref name="folder"/>/Name.torrent; returns the .torrent path.</summary>
    public string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, Name), Data);
        string torrentPath = Path.Combine(folder, Name + ".torrent");
        File.WriteAllBytes(torrentPath, TorrentBytes);
        return torrentPath;
    }
}
