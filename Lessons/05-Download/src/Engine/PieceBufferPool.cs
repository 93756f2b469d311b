// Lesson 05-Download: copied from Download/Engine/PieceBufferPool.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Download.Engine;

/// <summary>
/// The buffers of the pieces in flight, each one piece long, reused from piece to piece. A download makes
/// only as many as were in flight at once (bounded by <see cref="EngineOptions.MaxInFlightBytes"/>), so
/// its memory does not grow with the torrent, and it drops them all when the last piece is verified.
/// <para>
/// Why not <c>ArrayPool&lt;byte&gt;.Shared</c>: it keeps a few dozen arrays of a size per core and drops
/// the rest on return. With a hundred 256 KiB pieces in flight most returns were dropped and most rents
/// made a new array on the large object heap, garbage that only a full collection frees: 330 MiB
/// allocated for a 1 GiB download, and a process that grew with the torrent.
/// </para>
/// Not thread-safe: <see cref="DownloadState"/> calls it under its lock.
/// </summary>
public sealed class PieceBufferPool(int bufferLength)
{
    private readonly Stack<byte[]> _free = new();

    /// <summary>The length of every buffer: the torrent's piece length (the short last piece uses a full one).</summary>
    public int BufferLength => bufferLength;

    public long Rented { get; private set; }

    public long Returned { get; private set; }

    /// <summary>Buffers allocated so far: the most that were in use at once.</summary>
    public int Created { get; private set; }

    /// <summary>Buffers held by pieces in flight (0 once a download has ended or stopped cleanly).</summary>
    public long InUse => Rented - Returned;

    /// <summary>Buffers waiting for the next piece.</summary>
    public int Free => _free.Count;

    public PieceBufferCounts Counts => new(Created, Rented, Returned, bufferLength);

    public byte[] Rent()
    {
        Rented++;
        if (_free.TryPop(out var buffer))
            return buffer;
        Created++;
        return GC.AllocateUninitializedArray<byte>(bufferLength);   // every byte is overwritten by a block before use
    }

    public void Return(byte[] buffer)
    {
        if (buffer.Length != bufferLength)
            throw new ArgumentException($"A buffer of {buffer.Length} bytes is not from this pool of {bufferLength}-byte buffers.", nameof(buffer));
        Returned++;
        _free.Push(buffer);
    }

    /// <summary>Lets the collector have the free buffers (the download is complete: no more pieces to fetch).</summary>
    public void Trim() => _free.Clear();
}

/// <summary>
/// What a download's piece buffers did: <see cref="Created"/> × <see cref="BufferLength"/> is the memory
/// its pieces in flight took at the most; after a clean stop every rented buffer has been returned.
/// </summary>
public readonly record struct PieceBufferCounts(int Created, long Rented, long Returned, int BufferLength)
{
    public long InUse => Rented - Returned;

    public long PeakBytes => (long)Created * BufferLength;
}
