using System.Collections.Concurrent;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// The memory of the pieces in flight, in 16 KiB blocks. A connection rents a block as soon as a piece
/// message's header has arrived, and the socket writes the payload straight into it
/// (<see cref="PeerConnectionOptions.BlockBuffers"/>); the loop puts that very array into its piece
/// (<see cref="InFlightPiece.Receive"/>); after the hash check and the write, the piece's blocks come back
/// here. So a block is never copied from buffer to buffer on its way to disk, and the download's memory
/// is as many blocks as were in flight at once, whatever the torrent's size.
/// <para>
/// Shared by the readers, the loop and the hash workers, hence a lock-free queue and Interlocked counters.
/// Not <c>ArrayPool&lt;byte&gt;.Shared</c>: arrays rented on reader threads and returned on others overflow
/// its per-thread caches, and each dropped array is garbage (a 1 GiB download grew by ~60 MiB with it).
/// </para>
/// </summary>
public sealed class BlockPool : IBlockBuffers
{
    public int BlockLength => Blocks.Size;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _created;
    private long _rented, _returned;

    public byte[] Rent()
    {
        Interlocked.Increment(ref _rented);
        if (_free.TryDequeue(out var block))
            return block;
        Interlocked.Increment(ref _created);
        return GC.AllocateUninitializedArray<byte>(Blocks.Size);   // every byte used is overwritten by a payload
    }

    public void Return(byte[] block)
    {
        if (block.Length != Blocks.Size)
            throw new ArgumentException($"A buffer of {block.Length} bytes is not a block of this pool.", nameof(block));
        Interlocked.Increment(ref _returned);
        _free.Enqueue(block);
    }

    /// <summary>Lets the collector have the free blocks (the download is complete: no more pieces to fetch).</summary>
    public void Trim() => _free.Clear();

    public PieceBufferCounts Counts => new(Volatile.Read(ref _created), Interlocked.Read(ref _rented), Interlocked.Read(ref _returned), Blocks.Size);
}

/// <summary>
/// What a download's block buffers did: <see cref="Created"/> × <see cref="BufferLength"/> is the memory
/// its pieces in flight took at the most; after a clean stop every rented block has been returned.
/// </summary>
public readonly record struct PieceBufferCounts(int Created, long Rented, long Returned, int BufferLength)
{
    public long InUse => Rented - Returned;

    public long PeakBytes => (long)Created * BufferLength;
}
