using MeTorrent.Metainfo;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// A multi-file torrent for the seeding tests: nested folders, an empty file, a one-byte file, pieces
/// that straddle files and a short last piece. The data sits in <see cref="Data"/>, the .torrent beside it.
/// </summary>
public sealed class SeedFolder : IDisposable
{
    public static readonly IReadOnlyList<(string Path, int Length)> Files =
    [
        ("a/b/c/deep.bin", 300_001),
        ("a/one-byte", 1),
        ("a/empty", 0),
        ("top.bin", 1_000_000 + 3),
        ("z/last.bin", 77_777),
    ];

    private SeedFolder(string root, string data, string torrentPath, Torrent torrent)
    {
        Root = root;
        Data = data;
        TorrentPath = torrentPath;
        Torrent = torrent;
    }

    public string Root { get; }

    /// <summary>The folder that holds the files (what `seed` and `download -o` take).</summary>
    public string Data { get; }

    public string TorrentPath { get; }

    public Torrent Torrent { get; }

    public static SeedFolder Create(int pieceLength = 32 * 1024, IReadOnlyList<string>? trackers = null, int seed = 6)
    {
        string root = TempFolder();
        string data = Path.Combine(root, "payload");
        var random = new Random(seed);
        foreach (var (path, length) in Files)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            string full = Path.Combine(data, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
        byte[] torrent = TorrentFor(data, pieceLength, trackers);
        string torrentPath = Path.Combine(root, "payload.torrent");
        File.WriteAllBytes(torrentPath, torrent);
        return new SeedFolder(root, data, torrentPath, Torrent.Parse(torrent));
    }

    /// <summary>Every file of <paramref name="folder"/> equals the seeded one, and no file is missing or extra (a missing empty file is allowed when <paramref name="emptyMayBeMissing"/>).</summary>
    public string? Difference(string folder, bool emptyMayBeMissing = false)
    {
        foreach (var (path, length) in Files)
        {
            string got = Path.Combine(folder, path);
            if (!File.Exists(got))
            {
                if (length == 0 && emptyMayBeMissing) continue;
                return $"{path} is missing";
            }
            if (!File.ReadAllBytes(got).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Data, path))))
                return $"{path} differs ({new FileInfo(got).Length} bytes, expected {length})";
        }
        var extra = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(p => !Files.Any(f => f.Path == p))
            .ToList();
        return extra.Count == 0 ? null : "extra files: " + string.Join(", ", extra);
    }

    public void Dispose() => Delete(Root);
}
