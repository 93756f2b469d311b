using System.Globalization;
using MeTorrent.Download.Benchmarks.Fuzzing;

namespace MeTorrent.Download.Cli;

/// <summary>`bench fuzz`: every parser that reads a stranger's bytes, on a million mutated and generated inputs each.</summary>
internal static class BenchFuzz
{
    public static int Run(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        var targets = FuzzTargets.All();
        string wanted = args.Option("--target") ?? "all";
        var chosen = wanted == "all" ? targets : targets.Where(t => t.Name == wanted).ToList();
        if (chosen.Count == 0)
            throw new UserError($"unknown fuzz target \"{wanted}\" (one of: all, {string.Join(", ", targets.Select(t => t.Name))})");
        int count = args.IntOption(1_000_000, 1, 1_000_000_000, "--count");
        int seed = args.IntOption(1, 0, int.MaxValue, "--seed");
#if DEBUG
        output.WriteLine("warning: this is a Debug build; use -c Release for meaningful figures");
#endif
        int problems = 0;
        foreach (var target in chosen)
        {
            var result = Fuzzer.Run(target, count, seed, TimeSpan.FromSeconds(1), cancellation);
            var invariant = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(invariant, $"{result.Target,-13}{result.Inputs,10:N0} inputs {result.Elapsed.TotalSeconds,7:F1} s {result.InputsPerSecond,10:N0}/s  ")
                + string.Create(invariant, $"refused {100.0 * result.Refused / Math.Max(1, result.Inputs),5:F1}%  memory {result.MemoryGrowth / 1024.0,7:N0} KiB  ")
                + (result.Findings.Count == 0 ? "ok" : $"{result.Findings.Count} PROBLEM(S)"));
            foreach (var finding in result.Findings)
                output.WriteLine($"  {finding}");
            problems += result.Findings.Count;
        }
        if (cancellation.IsCancellationRequested)
            throw new OperationCanceledException(cancellation);
        if (problems > 0)
            throw new UserError($"fuzzing found {problems} problem(s) (seed {seed}); each input is printed above in base64");
        return 0;
    }
}
