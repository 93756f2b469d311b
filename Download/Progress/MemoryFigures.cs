using System.Diagnostics;
using System.Runtime;
using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Progress;

/// <summary>
/// Memory and CPU figures printed under --verbose: the most 16 KiB blocks the download held at once (the
/// bound), how much the process allocated (garbage made), how often the collector ran, and the peak
/// resident memory — to check that memory follows the pieces in flight, not the size of the torrent.
/// </summary>
public static class MemoryFigures
{
    public static string Of(PieceBufferCounts buffers, EngineStats stats)
    {
        using var process = Process.GetCurrentProcess();
        long received = stats.BlockBytesStraight + stats.BlockBytesCopied;
        string straight = received == 0 ? "" : $" ({100.0 * stats.BlockBytesStraight / received:0.0}% of their bytes received straight from the socket)";
        return $"Memory: {buffers.Created} block buffers ({Units.Bytes(buffers.PeakBytes)}) for {buffers.Rented} blocks{straight}, " +
            $"{Units.Bytes(GC.GetTotalAllocatedBytes())} allocated, " +
            $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections (gen 0/1/2), " +
            $"peak resident {Units.Bytes(process.PeakWorkingSet64)}.";
    }

    /// <summary>
    /// The process's CPU time (user + system, all threads), and what the JIT compiled: a short download spends a
    /// good part of its CPU compiling. The JIT's time is the time its threads spent in it, waits included.
    /// </summary>
    public static string Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return $"CPU: {process.TotalProcessorTime.TotalSeconds:0.00} s; the JIT compiled {JitInfo.GetCompiledMethodCount()} methods " +
            $"({JitInfo.GetCompilationTime().TotalSeconds:0.00} s in the JIT, waits included).";
    }
}
