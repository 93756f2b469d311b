using System.Security.Cryptography;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Metainfo;

/// <summary>A temporary folder of test content, deleted on Dispose; and a check of a torrent's piece hashes against it.</summary>
public sealed class ContentFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("metorrent-content-").FullName;

    /// <summary>Writes <paramref name="length"/> deterministic pseudo-random bytes at <paramref name="relativePath"/>.</summary>
    public string AddFile(string relativePath, int length, int seed = 0)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[length];
        new Random(seed == 0 ? relativePath.Length * 7919 + length : seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// Checks every piece hash of <paramref name="torrent"/> against the files under <paramref name="contentRoot"/>,
    /// reading through <see cref="Torrent.MapToFiles(int, int, int)"/>; padding files read as zeros (BEP 47).
    /// Returns the number of pieces that matched.
    /// </summary>
    public static int CountMatchingPieces(Torrent torrent, string contentRoot)
    {
        int matching = 0;
        for (int piece = 0; piece < torrent.PieceCount; piece++)
        {
            var buffer = new byte[torrent.PieceSize(piece)];
            foreach (var segment in torrent.MapToFiles(piece, 0, buffer.Length))
            {
                if (segment.File.IsPadding)
                    continue; // already zeros
                using var stream = File.OpenRead(segment.File.ResolveUnder(contentRoot));
                stream.Position = segment.FileOffset;
                stream.ReadExactly(buffer, segment.BufferOffset, segment.Length);
            }
            if (SHA1.HashData(buffer).AsSpan().SequenceEqual(torrent.PieceHash(piece)))
                matching++;
        }
        return matching;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
