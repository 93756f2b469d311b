using System.Buffers;
using System.Security.Cryptography;
using MeTorrent.Peer;

namespace MeTorrent.Download.Storage;

/// <summary>
/// Resume: which pieces are already on disk and correct. Every piece whose bytes exist is read and
/// hashed (a file of the right length may still hold zeros or torn writes after a crash), so the answer
/// never depends on a resume file that could be stale. Pieces are hashed in parallel on all cores.
/// </summary>
public static class ExistingDataCheck
{
    public static Bitfield Run(TorrentStorage storage, CancellationToken ct)
    {
        var torrent = storage.Torrent;
        var have = new Bitfield(torrent.PieceCount);
        if (!storage.AnyFileExists())
            return have;   // a fresh download: nothing to read (and no stat per piece)
        var found = new bool[torrent.PieceCount];
        var options = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, torrent.PieceCount, options, () => ArrayPool<byte>.Shared.Rent(torrent.PieceLength), (piece, _, buffer) =>
        {
            found[piece] = IsValid(storage, piece, buffer);
            return buffer;
        }, buffer => ArrayPool<byte>.Shared.Return(buffer));
        for (int i = 0; i < found.Length; i++)
        {
            if (!found[i])
                continue;
            have[i] = true;
            storage.CreateEmptyFiles(i);   // a run stopped between writing a piece and its empty files
        }
        return have;
    }

    public static bool IsValid(TorrentStorage storage, int piece, byte[] buffer)
    {
        var torrent = storage.Torrent;
        int size = torrent.PieceSize(piece);
        if (!storage.MayHold(piece) || !storage.TryRead(piece, 0, buffer.AsSpan(0, size)))
            return false;
        Span<byte> hash = stackalloc byte[Metainfo.Torrent.HashLength];
        SHA1.HashData(buffer.AsSpan(0, size), hash);
        return hash.SequenceEqual(torrent.PieceHash(piece));
    }
}
