using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Download;

/// <summary>
/// The payload the real-client download tests share: a folder of about 3.3 MiB with nested folders, a
/// zero-length file and a one-byte file, whose sizes make pieces straddle file boundaries and leave an
/// odd-sized last piece. <see cref="Create"/> writes the files and a v1 multi-file .torrent for them
/// (no announce URL: the tests hand our client the seeder's address with --peer).
/// </summary>
public sealed class RealClientPayload
{
    public const int PieceLength = 64 * 1024;

    /// <summary>Paths inside the torrent's folder, and their sizes.</summary>
    public static readonly IReadOnlyList<(string Path, int Length)> Files =
    [
        ("movie/part-1.bin", 1_048_576 + 4_097),
        ("movie/part-2.bin", 1_500_000 + 17),
        ("readme.txt", 100_003),
        ("docs/deeper/one-byte.txt", 1),
        ("docs/deeper/empty.dat", 0),
        ("docs/notes.md", 65_535),
        ("z-last.bin", 777_777),
    ];

    private RealClientPayload(string name, string dataDirectory, string torrentPath)
    {
        Name = name;
        DataDirectory = dataDirectory;
        TorrentPath = torrentPath;
    }

    /// <summary>The torrent's name: the name of its top folder.</summary>
    public string Name { get; }

    /// <summary>The folder that holds <see cref="Name"/> (what a seeder is pointed at).</summary>
    public string DataDirectory { get; }

    public string TorrentPath { get; }

    /// <summary>Writes the files under <paramref name="directory"/>/data/<paramref name="name"/> and the torrent beside them.</summary>
    public static RealClientPayload Create(string directory, string name = "nested-payload")
    {
        string data = Path.Combine(directory, "data");
        var random = new Random(20261125);
        foreach (var (path, length) in Files)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            string full = Path.Combine(data, name, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
        if (Files.Sum(f => (long)f.Length) % PieceLength == 0)
            throw new InvalidOperationException("the payload must end in a short piece");

        var builder = new TorrentBuilder(Path.Combine(data, name)) { PieceLength = PieceLength, CreationDate = null };
        string torrentPath = Path.Combine(directory, name + ".torrent");
        File.WriteAllBytes(torrentPath, builder.Build());
        return new RealClientPayload(name, data, torrentPath);
    }

    /// <summary>Full path of <paramref name="relativePath"/> in the seeded copy.</summary>
    public string SourceFile(string relativePath) => Path.Combine(DataDirectory, Name, relativePath);
}
