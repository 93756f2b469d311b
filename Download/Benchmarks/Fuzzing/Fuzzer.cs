using System.Diagnostics;

namespace MeTorrent.Download.Benchmarks.Fuzzing;

/// <summary>
/// Runs one target on <c>count</c> inputs — nine in ten a seed with a few <see cref="Mutator"/> edits, one in
/// ten a seed cut short and followed by random bytes — and reports what must never happen: an exception that
/// is not one of the target's refusals, an input that takes longer than <c>hangLimit</c>, and managed memory
/// that grows from the first inputs to the last. Same seed, same inputs.
/// </summary>
public static class Fuzzer
{
    public const int MaxFindings = 10;
    public const long MaxMemoryGrowth = 16 << 20;

    public sealed record Finding(string Kind, string Detail, byte[] Input)
    {
        public override string ToString() => $"{Kind}: {Detail} (input, base64: {Convert.ToBase64String(Input)})";
    }

    public sealed record Result(string Target, long Inputs, long Refused, TimeSpan Elapsed, long MemoryGrowth, IReadOnlyList<Finding> Findings)
    {
        public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);
    }

    public static Result Run(FuzzTarget target, long count, int seed, TimeSpan hangLimit, CancellationToken ct)
    {
        var findings = new List<Finding>();
        long done = 0, refused = 0, memoryGrowth = 0;
        byte[] current = [];
        var clock = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            var random = new Random(seed);
            long baseline = 0;
            for (long i = 0; i < count && !ct.IsCancellationRequested; i++)
            {
                if (i == Math.Min(count / 20, 20_000))
                    baseline = GC.GetTotalMemory(forceFullCollection: true);
                var input = Next(target, random, i);
                Volatile.Write(ref current, input);
                long started = Stopwatch.GetTimestamp();
                try
                {
                    target.Run(input);
                }
                catch (Exception e) when (target.IsRefusal(e))
                {
                    refused++;
                }
                catch (Exception e)
                {
                    Add(findings, new Finding("escaped", $"{e.GetType().Name}: {e.Message}", input));
                }
                if (Stopwatch.GetElapsedTime(started) > hangLimit && IsSlowAgain(target, input, hangLimit))
                    Add(findings, new Finding("slow", $"took over {hangLimit.TotalSeconds:0.#} s twice", input));
                Volatile.Write(ref done, i + 1);
            }
            memoryGrowth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        }) { IsBackground = true, Name = $"fuzz {target.Name}" };
        worker.Start();

        long seen = -1;
        var stalledSince = Stopwatch.StartNew();
        while (!worker.Join(100))
        {
            long now = Volatile.Read(ref done);
            if (now != seen)
            {
                seen = now;
                stalledSince.Restart();
            }
            else if (stalledSince.Elapsed > hangLimit * 10)
            {
                // The input never returns: report it and leave the (background) thread behind.
                lock (findings)
                    findings.Add(new Finding("hang", $"no return after {stalledSince.Elapsed.TotalSeconds:0} s", Volatile.Read(ref current)));
                return new Result(target.Name, now, refused, clock.Elapsed, 0, [.. findings]);
            }
        }
        if (memoryGrowth > MaxMemoryGrowth)
            findings.Add(new Finding("memory", $"managed memory grew by {memoryGrowth >> 20} MiB over the run", []));
        return new Result(target.Name, done, refused, clock.Elapsed, memoryGrowth, findings);
    }

    /// <summary>On a busy machine one slow run may be a pause (GC, another process); a slow input is slow every time.</summary>
    private static bool IsSlowAgain(FuzzTarget target, byte[] input, TimeSpan hangLimit)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            target.Run(input);
        }
        catch (Exception)
        {
            // Already counted: only the time matters here.
        }
        return Stopwatch.GetElapsedTime(started) > hangLimit;
    }

    private static byte[] Next(FuzzTarget target, Random random, long i)
    {
        var seedInput = target.Seeds[(int)(i % target.Seeds.Count)];
        if (random.Next(10) != 0)
            return Mutator.Mutate(seedInput, random);
        int keep = random.Next(seedInput.Length + 1);
        var generated = new byte[keep + random.Next(64)];
        seedInput.AsSpan(0, keep).CopyTo(generated);
        random.NextBytes(generated.AsSpan(keep));
        return generated;
    }

    private static void Add(List<Finding> findings, Finding finding)
    {
        lock (findings)
            if (findings.Count < MaxFindings)
                findings.Add(finding);
    }
}
