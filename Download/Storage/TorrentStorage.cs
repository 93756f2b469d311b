using Microsoft.Win32.SafeHandles;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Storage;

/// <summary>
/// The torrent's files on disk, seen as one byte space cut into pieces. A piece may span several
/// files (<see cref="Torrent.MapToFiles(int,int,int)"/>); each part goes to its own file at its own offset.
/// Padding files (BEP 47) are never written: their bytes are zeros by definition. A file is created when
/// the first data lands in it (a zero-length file with the piece at its offset), and only a bounded number
/// stay open (<see cref="OpenFiles"/>): a torrent of a million files needs neither a million descriptors
/// nor a million empty files left behind by a failed start. Reads and writes use <see cref="RandomAccess"/>
/// (positional, thread-safe). Written data is flushed to disk in the background as the download goes.
/// </summary>
public sealed class TorrentStorage : IDisposable
{
    private readonly Torrent _torrent;
    private readonly StorageLayout _layout;
    private readonly OpenFiles _files;
    private readonly Dictionary<int, List<int>> _emptyFilesByPiece = [];
    private readonly FlushBehind? _flushBehind;

    private TorrentStorage(Torrent torrent, StorageLayout layout, StorageOptions options)
    {
        _torrent = torrent;
        _layout = layout;
        _files = new OpenFiles(options.MaxOpenFiles, OpenFile);
        for (int i = 0; i < torrent.Files.Count; i++)
            if (torrent.Files[i] is { Length: 0, IsPadding: false } empty)
                EmptyFilesOf(PieceAt(empty.Offset)).Add(i);
        if (options.FlushInterval > TimeSpan.Zero)
            _flushBehind = new FlushBehind(_files.FlushAll, options.FlushAfterBytes, options.FlushInterval);
    }

    public Torrent Torrent => _torrent;

    public StorageLayout Layout => _layout;

    /// <summary>Files open right now (bounded by <see cref="StorageOptions.MaxOpenFiles"/>).</summary>
    public int OpenFileCount => _files.Count;

    /// <summary>
    /// Checks every path first (a hostile torrent is refused before anything is written). Nothing is
    /// created yet: files appear as data lands in them. Existing data is kept.
    /// </summary>
    public static TorrentStorage Open(Torrent torrent, string outputPath, StorageOptions? options = null) =>
        new(torrent, StorageLayout.Resolve(torrent, outputPath), options ?? new StorageOptions());

    /// <summary>Writes a whole verified piece at its place in the files (<see cref="Torrent.MapToFiles(int,int,int)"/> says where).</summary>
    public void WritePiece(int piece, ReadOnlySpan<byte> data)
    {
        if (data.Length != _torrent.PieceSize(piece))
            throw new ArgumentException($"Piece {piece} has {_torrent.PieceSize(piece)} bytes, not {data.Length}.", nameof(data));
        WriteAt(piece, 0, data);
        CreateEmptyFiles(piece);
    }

    /// <summary>Writes a whole verified piece given as its blocks in order (the engine keeps pieces as blocks).</summary>
    public void WritePiece(int piece, IEnumerable<ReadOnlyMemory<byte>> blocks)
    {
        int offset = 0;
        foreach (var block in blocks)
        {
            WriteAt(piece, offset, block.Span);
            offset += block.Length;
        }
        if (offset != _torrent.PieceSize(piece))
            throw new ArgumentException($"Piece {piece} has {_torrent.PieceSize(piece)} bytes, not {offset}.", nameof(blocks));
        CreateEmptyFiles(piece);
    }

    private void WriteAt(int piece, int begin, ReadOnlySpan<byte> data)
    {
        foreach (var segment in _torrent.MapToFiles(piece, begin, data.Length))
        {
            if (segment.File.IsPadding)
                continue;
            using var file = _files.Take(_layout.IndexOf(segment.File), create: true)!.Value;
            RandomAccess.Write(file.Handle, data.Slice(segment.BufferOffset, segment.Length), segment.FileOffset);
            file.Written();
            _flushBehind?.Written(segment.Length);
        }
    }

    /// <summary>Creates the zero-length files that sit at <paramref name="piece"/>'s place (once the piece is on disk).</summary>
    public void CreateEmptyFiles(int piece)
    {
        if (!_emptyFilesByPiece.TryGetValue(piece, out var empty))
            return;
        foreach (int index in empty)
        {
            string path = _layout.PathOf(index);
            if (File.Exists(path))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (Directory.Exists(path))
                throw new IOException($"cannot write {path}: a folder of that name is in the way");
            File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write).Dispose();
        }
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes at <paramref name="begin"/> inside <paramref name="piece"/>.
    /// Returns false when a file is missing or too short to hold them (the bytes were never written).
    /// </summary>
    public bool TryRead(int piece, int begin, Span<byte> destination)
    {
        if (begin < 0 || begin + (long)destination.Length > _torrent.PieceSize(piece))
            throw new ArgumentOutOfRangeException(nameof(begin), $"Bytes {begin}..{begin + destination.Length} are outside piece {piece}.");
        foreach (var segment in _torrent.MapToFiles(piece, begin, destination.Length))
        {
            var part = destination.Slice(segment.BufferOffset, segment.Length);
            if (segment.File.IsPadding)
            {
                part.Clear();
                continue;
            }
            using var file = _files.Take(_layout.IndexOf(segment.File), create: false);
            if (file is not { } open || !ReadExactly(open.Handle, part, segment.FileOffset))
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

    /// <summary>True when at least one of the torrent's files (padding aside) is on disk.</summary>
    public bool AnyFileExists()
    {
        for (int i = 0; i < _torrent.Files.Count; i++)
            if (!_torrent.Files[i].IsPadding && LengthOnDisk(i) >= 0)
                return true;
        return false;
    }

    /// <summary>True when every file holding part of <paramref name="piece"/> exists and is long enough to contain it.</summary>
    public bool MayHold(int piece)
    {
        foreach (var segment in _torrent.MapToFiles(piece, 0, _torrent.PieceSize(piece)))
            if (!segment.File.IsPadding && LengthOnDisk(_layout.IndexOf(segment.File)) < segment.FileOffset + segment.Length)
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
            if (file.IsPadding || LengthOnDisk(i) <= file.Length)
                continue;
            using var open = _files.Take(i, create: false)!.Value;
            RandomAccess.SetLength(open.Handle, file.Length);
            open.Written();
            cut++;
        }
        return cut;
    }

    /// <summary>Pushes written data to the disk (on a clean stop and at the end of a download); most of it is there already (flush-behind).</summary>
    public void Flush()
    {
        long unflushed = _flushBehind?.Unflushed ?? 0;
        _files.FlushAll();
        _flushBehind?.Flushed(unflushed);
    }

    /// <summary>Bytes written and not yet flushed by the flush-behind or <see cref="Flush"/> (0 when there is no flush-behind).</summary>
    public long UnflushedBytes => _flushBehind?.Unflushed ?? 0;

    public void Dispose()
    {
        _flushBehind?.Dispose();   // a failed background flush is reported by the next Flush, which retries it
        _files.Dispose();
    }

    /// <summary>The file's length on disk (-1 when it does not exist); a stat, no descriptor needed.</summary>
    private long LengthOnDisk(int index)
    {
        var info = new FileInfo(_layout.PathOf(index));
        return info.Exists ? info.Length : -1;
    }

    private int PieceAt(long offset) => (int)Math.Min(offset / _torrent.PieceLength, _torrent.PieceCount - 1);

    private List<int> EmptyFilesOf(int piece)
    {
        if (!_emptyFilesByPiece.TryGetValue(piece, out var list))
            _emptyFilesByPiece[piece] = list = [];
        return list;
    }

    /// <summary>Opens file <paramref name="index"/> for reading and writing; null if it is missing and not to be created.</summary>
    private SafeFileHandle? OpenFile(int index, bool create)
    {
        string path = _layout.PathOf(index);
        if (create)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (Directory.Exists(path))
                throw new IOException($"cannot write {path}: a folder of that name is in the way");
        }
        try
        {
            if (create && !File.Exists(path))
                return CreatePreallocated(path, _torrent.Files[index].Length);
            return File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (!create && e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (!create && Directory.Exists(path))
        {
            return null;   // a folder where the file should be: no data here
        }
    }

    /// <summary>
    /// A new file with its whole length allocated on disk but a length of zero (fallocate with
    /// FALLOC_FL_KEEP_SIZE, as .NET does for a preallocation size): the file system then maps each write
    /// to blocks it already has, instead of reserving and tracking them 4 KiB at a time as pieces land in
    /// any order; and a disk too small for the torrent fails at the file's first write, not halfway.
    /// </summary>
    private static SafeFileHandle CreatePreallocated(string path, long length)
    {
        try
        {
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, length);
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);   // created meanwhile
        }
    }
}
