using MeTorrent.Bencode;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>Writes small .torrent files for tracker tests; only the tracker fields and the info hash matter, not the content.</summary>
public static class TestTorrents
{
    /// <summary>A single-file torrent of <paramref name="length"/> bytes announcing to the given tiers (the first URL is also "announce").</summary>
    public static string Write(string directory, IReadOnlyList<IReadOnlyList<string>> tiers, long length = 100_000, string name = "payload.bin")
    {
        const int pieceLength = 16384;
        long pieces = (length + pieceLength - 1) / pieceLength;
        var info = new BDictionary
        {
            { "length", new BInteger(length) },
            { "name", new BString(name) },
            { "piece length", new BInteger(pieceLength) },
            { "pieces", new BString(new byte[pieces * 20]) },
        };
        var torrent = new BDictionary { { "info", info } };
        if (tiers.Count > 0 && tiers[0].Count > 0)
            torrent.Add("announce", new BString(tiers[0][0]));
        if (tiers.Sum(t => t.Count) > 1)
            torrent.Add("announce-list", new BList(tiers.Select(t => (BValue)new BList(t.Select(url => (BValue)new BString(url))))));
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.torrent");
        File.WriteAllBytes(path, BencodeEncoder.Encode(torrent));
        return path;
    }

    /// <summary>A real torrent of the file at <paramref name="dataPath"/> (true piece hashes), so real clients can seed and fetch it.</summary>
    public static string WriteFor(string dataPath, string announce, string directory, int pieceLength = 65536)
    {
        var hashes = new MemoryStream();
        var piece = new byte[pieceLength];
        using (var data = File.OpenRead(dataPath))
        {
            int read;
            while ((read = data.ReadAtLeast(piece, pieceLength, throwOnEndOfStream: false)) > 0)
                hashes.Write(System.Security.Cryptography.SHA1.HashData(piece.AsSpan(0, read)));
        }
        var torrent = new BDictionary
        {
            { "announce", new BString(announce) },
            {
                "info", new BDictionary
                {
                    { "length", new BInteger(new FileInfo(dataPath).Length) },
                    { "name", new BString(Path.GetFileName(dataPath)) },
                    { "piece length", new BInteger(pieceLength) },
                    { "pieces", new BString(hashes.ToArray()) },
                }
            },
        };
        string path = Path.Combine(directory, $"{Path.GetFileName(dataPath)}.torrent");
        File.WriteAllBytes(path, BencodeEncoder.Encode(torrent));
        return path;
    }

    /// <summary>A file of <paramref name="length"/> random bytes.</summary>
    public static string WriteRandomData(string directory, int length, string name = "payload.bin")
    {
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(length));
        return path;
    }

    public static Torrent Read(string path) => Torrent.Parse(File.ReadAllBytes(path));
}
