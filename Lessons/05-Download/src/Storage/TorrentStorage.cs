// Lesson 05-Download: copied from Download/Storage/TorrentStorage.cs by Lessons/tools. Provided complete; nothing to do here.
using Microsoft.Win32.SafeHandles;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Storage;

/// <summary>
/// The torrent's files on disk, seen as one byte space cut into pieces. A piece may span several
/// files (<see cref="Torrent.MapToFiles(int,int,int)"/>); each part goes to its own file at its own offset.
/// Padding files (BEP 47) are never written: their bytes are zeros by definition. Files are opened once
/// and kept open; reads and writes use <see cref="RandomAccess"/> (positional, thread-safe).
/// </summary>
public sealed class TorrentStorage : IDisposable
{
    private readonly Torrent _torrent;
    private readonly StorageLayout _layout;
    private readonly SafeFileHandle?[] _handles;
    private readonly Lock _openLock = new();

    private TorrentStorage(Torrent torrent, StorageLayout layout)
    {
        _torrent = torrent;
        _layout = layout;
        _handles = new SafeFileHandle?[torrent.Files.Count];
    }

    public Torrent Torrent => _torrent;

    public StorageLayout Layout => _layout;

    /// <summary>
    /// Checks every path first (a hostile torrent is refused before anything is written), then creates
    /// the folders and files, zero-length ones included. Existing data is kept.
    /// </summary>
    public static TorrentStorage Open(Torrent torrent, string outputPath)
    {
        var layout = StorageLayout.Resolve(torrent, outputPath);
        var storage = new TorrentStorage(torrent, layout);
        try
        {
            for (int i = 0; i < torrent.Files.Count; i++)
                if (!torrent.Files[i].IsPadding)
                    storage.HandleFor(i);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
        return storage;
    }

    /// <summary>Writes a whole verified piece at its place in the files (<see cref="Torrent.MapToFiles(int,int,int)"/> says where).</summary>
    public void WritePiece(int piece, ReadOnlySpan<byte> data)
    {
        if (data.Length != _torrent.PieceSize(piece))
            throw new ArgumentException($"Piece {piece} has {_torrent.PieceSize(piece)} bytes, not {data.Length}.", nameof(data));
        foreach (var segment in _torrent.MapToFiles(piece, 0, data.Length))
            if (!segment.File.IsPadding)
                RandomAccess.Write(HandleFor(segment.File), data.Slice(segment.BufferOffset, segment.Length), segment.FileOffset);
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes at <paramref name="begin"/> inside <paramref name="piece"/>.
    /// Returns false when a file is too short to hold them (the bytes were never written).
    /// </summary>
    public bool TryRead(int piece, int begin, Span<byte> destination)
    {
        if (begin < 0 || begin + (long)destination.Length > _torrent.PieceSize(piece))
            throw new ArgumentOutOfRangeException(nameof(begin), $"Bytes {begin}..{begin + destination.Length} are outside piece {piece}.");
        foreach (var segment in _torrent.MapToFiles(piece, begin, destination.Length))
        {
            var part = destination.Slice(segment.BufferOffset, segment.Length);
            if (segment.File.IsPadding)
                part.Clear();
            else if (!ReadExactly(HandleFor(segment.File), part, segment.FileOffset))
                return false;
        }
        return true;
    }

    private static bool ReadExactly(SafeFileHandle handle, Span<byte> part, long offset)
    {
        for (int done = 0; done < part.Length;)
        {
            int read = RandomAccess.Read(handle, part[done..], offset + done);
            if (read == 0)
                return false;   // the file ends before these bytes: they were never written
            done += read;
        }
        return true;
    }

    /// <summary>True when every file holding part of <paramref name="piece"/> is long enough to contain it.</summary>
    public bool MayHold(int piece)
    {
        foreach (var segment in _torrent.MapToFiles(piece, 0, _torrent.PieceSize(piece)))
            if (!segment.File.IsPadding && RandomAccess.GetLength(HandleFor(segment.File)) < segment.FileOffset + segment.Length)
                return false;
        return true;
    }

    /// <summary>
    /// Cuts every file that is longer than the torrent says back to its length, so that the result is
    /// byte-exact (an old, longer file of the same name would otherwise keep its tail). The bytes cut lie
    /// outside every piece, so no verified data is lost. Returns how many files were cut.
    /// </summary>
    public int TruncateToTorrentLengths()
    {
        int cut = 0;
        for (int i = 0; i < _torrent.Files.Count; i++)
        {
            var file = _torrent.Files[i];
            if (file.IsPadding)
                continue;
            var handle = HandleFor(i);
            if (RandomAccess.GetLength(handle) > file.Length)
            {
                RandomAccess.SetLength(handle, file.Length);
                cut++;
            }
        }
        return cut;
    }

    /// <summary>Pushes written data to the disk (on a clean stop and at the end of a download).</summary>
    public void Flush()
    {
        foreach (var handle in _handles)
            if (handle is { IsClosed: false })
                RandomAccess.FlushToDisk(handle);
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            foreach (var handle in _handles)
                handle?.Dispose();
        }
    }

    private SafeFileHandle HandleFor(TorrentFile file) => HandleFor(_layout.IndexOf(file));

    private SafeFileHandle HandleFor(int fileIndex)
    {
        var handle = _handles[fileIndex];
        if (handle is not null)
            return handle;
        lock (_openLock)
        {
            if (_handles[fileIndex] is { } opened)
                return opened;
            string path = _layout.Paths[fileIndex];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (Directory.Exists(path))
                throw new IOException($"cannot write {path}: a folder of that name is in the way");
            _handles[fileIndex] = handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            return handle;
        }
    }
}
