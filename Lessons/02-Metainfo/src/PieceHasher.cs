// Lesson 02-Metainfo: copied from Metainfo/PieceHasher.cs by Lessons/tools. Provided complete; nothing to do here.
using System.Security.Cryptography;

namespace MeTorrent.Metainfo;

/// <summary>
/// SHA-1 of every piece of a new torrent. The files are read one after another through a single
/// piece-sized buffer: a piece may start in one file and end in the next (BEP 3 concatenates them).
/// </summary>
internal static class PieceHasher
{
    public static byte[] Hash(IReadOnlyList<SourceFiles.Entry> files, long total, int pieceLength, CancellationToken cancellation)
    {
        long pieceCount = (total + pieceLength - 1) / pieceLength;
        var hashes = new byte[pieceCount * SHA1.HashSizeInBytes];
        var buffer = new byte[pieceLength];
        int filled = 0;
        long piece = 0;
        foreach (var file in files)
        {
            if (file.Length == 0)
                continue; // never opened: an empty file adds no bytes
            if (file.IsPadding)
            {
                HashZeros(file.Length);
                continue;
            }
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read,
                bufferSize: 0, FileOptions.SequentialScan);
            long left = file.Length;
            while (left > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                int read = stream.Read(buffer, filled, (int)Math.Min(pieceLength - filled, left));
                if (read == 0)
                    throw new MetainfoException($"{file.FullPath} became shorter while it was being hashed.");
                filled += read;
                left -= read;
                if (filled == pieceLength)
                {
                    SHA1.HashData(buffer, hashes.AsSpan(checked((int)(piece++ * SHA1.HashSizeInBytes))));
                    filled = 0;
                }
            }
            if (stream.ReadByte() != -1)
                throw new MetainfoException($"{file.FullPath} grew while it was being hashed.");
        }
        if (filled > 0)
            SHA1.HashData(buffer.AsSpan(0, filled), hashes.AsSpan(checked((int)(piece * SHA1.HashSizeInBytes))));
        return hashes;

        // BEP 47 padding: zeros in the piece space, read from no file.
        void HashZeros(long length)
        {
            while (length > 0)
            {
                int take = (int)Math.Min(pieceLength - filled, length);
                buffer.AsSpan(filled, take).Clear();
                filled += take;
                length -= take;
                if (filled == pieceLength)
                {
                    SHA1.HashData(buffer, hashes.AsSpan(checked((int)(piece++ * SHA1.HashSizeInBytes))));
                    filled = 0;
                }
            }
        }
    }
}
