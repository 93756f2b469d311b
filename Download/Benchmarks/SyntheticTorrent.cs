using MeTorrent.Bencode;

namespace MeTorrent.Download.Benchmarks;

/// <summary>
/// A large, realistic-looking .torrent made up in memory for benchmarks: many files in nested folders,
/// random sizes, random piece hashes (nothing is hashed, there is no content). Same seed, same bytes.
/// </summary>
public static class SyntheticTorrent
{
    public static byte[] Create(int fileCount, int pieceLength, int seed = 42)
    {
        var random = new Random(seed);
        var files = new BList();
        long total = 0;
        for (int i = 0; i < fileCount; i++)
        {
            long length = random.Next(1, 8 * pieceLength);
            total += length;
            files.Add(new BDictionary
            {
                { "length", new BInteger(length) },
                { "path", new BList([
                    new BString($"season {i / 10000:00}"),
                    new BString($"disc {i / 100 % 100:00}"),
                    new BString($"track {i:000000} - {RandomWord(random)} {RandomWord(random)} {RandomWord(random)}.flac")]) },
            });
        }
        long pieceCount = (total + pieceLength - 1) / pieceLength;
        var pieces = new byte[pieceCount * 20];
        random.NextBytes(pieces);

        var torrent = new BDictionary
        {
            { "announce", new BString("http://127.0.0.1:6969/announce") },
            { "comment", new BString("synthetic benchmark torrent") },
            { "created by", new BString("MeTorrent bench") },
            { "creation date", new BInteger(1_700_000_000) },
            { "info", new BDictionary
                {
                    { "files", files },
                    { "name", new BString("synthetic") },
                    { "piece length", new BInteger(pieceLength) },
                    { "pieces", new BString(pieces) },
                }
            },
        };
        return BencodeEncoder.Encode(torrent);
    }

    private static string RandomWord(Random random)
    {
        Span<char> word = stackalloc char[random.Next(3, 10)];
        for (int i = 0; i < word.Length; i++)
            word[i] = (char)('a' + random.Next(26));
        return new string(word);
    }
}
