using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// Content for interop tests: a file of pseudo-random bytes in a fresh temporary folder and a .torrent for
/// it made by mktorrent (a third-party torrent, not our own encoder). Pick an odd size so the last piece is
/// short. Hand <see cref="DataDir"/> and <see cref="TorrentPath"/> to a <see cref="Seeder"/>. Dispose deletes both.
/// </summary>
public sealed class SeedPayload : IDisposable
{
    private SeedPayload(string root, string name, byte[] data, string torrentPath)
    {
        Root = root;
        Name = name;
        Data = data;
        TorrentPath = torrentPath;
        Torrent = Torrent.Load(torrentPath);
    }

    public string Root { get; }

    /// <summary>The folder that holds the content (what a seeder's download/save folder must be).</summary>
    public string DataDir => Path.Combine(Root, "data");

    public string DataPath => Path.Combine(DataDir, Name);

    public string Name { get; }
    public byte[] Data { get; }
    public string TorrentPath { get; }
    public Torrent Torrent { get; }

    public ReadOnlySpan<byte> Piece(int index) =>
        Data.AsSpan((int)Torrent.PieceOffset(index), Torrent.PieceSize(index));

    /// <param name="pieceLength">a power of two, at least 16 KiB</param>
    public static SeedPayload Create(int size, int pieceLength = 256 * 1024, int seed = 1, string name = "payload.bin")
    {
        string mktorrent = Tools.Require("mktorrent", "mktorrent");
        string root = Directory.CreateTempSubdirectory("mt-payload-").FullName;
        try
        {
            var data = new byte[size];
            new Random(seed).NextBytes(data);
            Directory.CreateDirectory(Path.Combine(root, "data"));
            string dataPath = Path.Combine(root, "data", name);
            File.WriteAllBytes(dataPath, data);
            string torrentPath = Path.Combine(root, name + ".torrent");
            var made = ProcessRunner.Run(mktorrent,
                ["-l", int.Log2(pieceLength).ToString(), "-a", "http://127.0.0.1:1/announce", "-o", torrentPath, dataPath],
                TimeSpan.FromSeconds(60));
            if (made.ExitCode != 0)
                throw new InvalidOperationException($"mktorrent failed: {made}");
            return new SeedPayload(root, name, data, torrentPath);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
    }
}
