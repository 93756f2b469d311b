using System.Diagnostics;
using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Progress;

/// <summary>
/// Memory figures printed under --verbose: the most 16 KiB blocks the download held at once (the
/// bound), how much the process allocated (garbage made), how often the collector ran, and the peak
/// resident memory — to check that memory follows the pieces in flight, not the size of the torrent.
/// </summary>
public static class MemoryFigures
{
    public static string Of(PieceBufferCounts buffers)
    {
        using var process = Process.GetCurrentProcess();
        return $"Memory: {buffers.Created} block buffers ({Units.Bytes(buffers.PeakBytes)}) for {buffers.Rented} blocks, " +
            $"{Units.Bytes(GC.GetTotalAllocatedBytes())} allocated, " +
            $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections (gen 0/1/2), " +
            $"peak resident {Units.Bytes(process.PeakWorkingSet64)}.";
    }
}
