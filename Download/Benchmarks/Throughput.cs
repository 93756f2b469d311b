using System.Diagnostics;

namespace MeTorrent.Download.Benchmarks;

/// <summary>Times an operation over a buffer: a warm-up run, then repeated runs for at least a minimum time.</summary>
public static class Throughput
{
    public sealed record Result(string Name, long BytesPerRun, int Runs, TimeSpan Elapsed, long AllocatedPerRun)
    {
        public double MegabytesPerSecond => BytesPerRun * (double)Runs / Elapsed.TotalSeconds / 1_000_000;

        public double MillisecondsPerRun => Elapsed.TotalMilliseconds / Runs;
    }

    public static Result Measure(string name, long bytesPerRun, Action run, TimeSpan minimum, CancellationToken cancellation)
    {
        run(); // warm-up: JIT and tiered compilation
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        int runs = 0;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            run();
            runs++;
        }
        while (clock.Elapsed < minimum);
        clock.Stop();
        long allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / runs;
        return new Result(name, bytesPerRun, runs, clock.Elapsed, allocated);
    }
}
