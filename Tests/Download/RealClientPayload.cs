using System.Security.Cryptography;
using MeTorrent.Bencode;

namespace MeTorrent.Tests.Download;

/// <summary>
/// The payload the real-client download tests share: a folder of a few MiB with nested folders, a
/// zero-length file and a one-byte file, whose sizes make pieces straddle file boundaries and leave
/// an odd-sized last piece. <see cref="Create"/> writes the files and a v1 multi-file .torrent for them
/// (no announce URL: the tests hand our client the seeder's address with --peer).
/// </summary>
public sealed class RealClientPayload
{
    public const int PieceLength = 64 * 1024;

    /// <summary>Paths inside the torrent's folder and their sizes, in torrent order (deliberately not sorted).</summary>
    public static readonly IReadOnlyList<(string Path, int Length)> Files =
    [
        ("movie/part-2.bin", 1_500_000 + 17),
        ("movie/part-1.bin", 1_048_576 + 4_097),
        ("readme.txt", 100_003),
        ("docs/deeper/one-byte.txt", 1),
        ("docs/deeper/empty.dat", 0),
        ("docs/notes.md", 65_535),
        ("z-last.bin", 777_777),
    ];

    private RealClientPayload(string name, string sourceDirectory, string torrentPath)
    {
        Name = name;
        SourceDirectory = sourceDirectory;
        TorrentPath = torrentPath;
    }

    /// <summary>The torrent's name: the folder a downloader creates.</summary>
    public string Name { get; }

    /// <summary>The folder that holds <see cref="Name"/> (what a seeder is pointed at).</summary>
    public string SourceDirectory { get; }

    public string TorrentPath { get; }

    public static long TotalLength => Files.Sum(f => (long)f.Length);

    /// <summary>Writes the files under <paramref name="directory"/>/source/Name and the torrent beside them.</summary>
    public static RealClientPayload Create(string directory, string name = "nested-payload")
    {
        string source = Path.Combine(directory, "source");
        var random = new Random(20261125);
        using var pieces = new PieceHasher(PieceLength);
        foreach (var (path, length) in Files)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            string full = Path.Combine(source, name, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
            pieces.Append(bytes);
        }

        var fileList = new BList();
        foreach (var (path, length) in Files)
        {
            var file = new BDictionary();
            file["length"] = new BInteger(length);
            file["path"] = new BList(path.Split('/').Select(part => (BValue)new BString(part)));
            fileList.Add(file);
        }
        var info = new BDictionary();
        info["name"] = new BString(name);
        info["piece length"] = new BInteger(PieceLength);
        info["pieces"] = new BString(pieces.Finish());
        info["files"] = fileList;
        var torrent = new BDictionary();
        torrent["created by"] = new BString("MeTorrent tests");
        torrent["info"] = info;

        string torrentPath = Path.Combine(directory, name + ".torrent");
        File.WriteAllBytes(torrentPath, BencodeEncoder.Encode(torrent));
        return new RealClientPayload(name, source, torrentPath);
    }

    /// <summary>Full path of <paramref name="relativePath"/> in the source copy.</summary>
    public string SourceFile(string relativePath) => Path.Combine(SourceDirectory, Name, relativePath);

    /// <summary>SHA-1 of each piece over the files laid end to end (BEP 3).</summary>
    private sealed class PieceHasher(int pieceLength) : IDisposable
    {
        private readonly IncrementalHash _current = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        private readonly MemoryStream _hashes = new();
        private int _filled;

        public void Append(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                int take = Math.Min(pieceLength - _filled, data.Length);
                _current.AppendData(data[..take]);
                _filled += take;
                data = data[take..];
                if (_filled == pieceLength)
                    EndPiece();
            }
        }

        public byte[] Finish()
        {
            if (_filled > 0)
                EndPiece(); // the last, shorter piece
            return _hashes.ToArray();
        }

        private void EndPiece()
        {
            _hashes.Write(_current.GetHashAndReset());
            _filled = 0;
        }

        public void Dispose()
        {
            _current.Dispose();
            _hashes.Dispose();
        }
    }
}
