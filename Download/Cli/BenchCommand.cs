using System.Globalization;
using MeTorrent.Bencode;
using MeTorrent.Download.Benchmarks;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `bench`: bencode decode/encode and torrent parse throughput on a large synthetic .torrent;
/// `bench picker`: the engine's bookkeeping CPU per piece; `bench fuzz`, `bench tracker`, `bench soak`:
/// the parsers under fuzzing, the tracker under load, a seeder under churn.
/// </summary>
public sealed class BenchCommand : ICommand, IHasOptions
{
    public string Name => "bench";
    public string Summary => "benchmarks: parsing speed, picking cost, fuzzing, tracker load, soak";
    public string Help => """
        Usage: metorrent bench [--files N] [--seconds S]
               metorrent bench picker [--max-pieces N] [--peers P]
               metorrent bench fuzz [--target T] [--count N] [--seed S]
               metorrent bench tracker [--seconds S] [--clients N]
               metorrent bench soak [--minutes M]

        Builds a large synthetic .torrent in memory (default 100000 files, about 20 MB) and prints the
        throughput of bencode decoding, bencode encoding and full torrent parsing (validation and the
        SHA-1 info hash included), in MB/s of .torrent bytes. Run a Release build for real figures:
          dotnet run -c Release --project Download -- bench

        Options:
          --files N      number of files in the synthetic torrent (1 to 400000, default 100000)
          --seconds S    minimum measuring time per benchmark (1 to 60, default 3)

        bench picker simulates downloads in memory (no disk, no network, no hashing) of torrents of
        1,000, 10,000, ... up to --max-pieces one-block pieces from P peers, and prints the CPU per piece
        of piece picking alone and of the engine's whole bookkeeping (picking, requests, blocks, checks).
        Flat figures as the torrent grows mean no step scans every piece.

          --max-pieces N the largest torrent (1000 to 1000000, default 1000000)
          --peers P      peers in the simulated swarm (1 to 200, default 20)

        bench fuzz feeds mutated and generated inputs to every parser of a stranger's bytes: bencode,
        .torrent, HTTP and UDP tracker answers, peer messages (through a real connection) and BEP 10
        extension messages; it prints inputs per second per target and fails (exit 1, each input in
        base64) on any exception that is not the parser's own refusal, any input slower than 1 s, and
        managed memory that grows by more than 16 MiB over a run.
          --target T     bencode, torrent, http-tracker, udp-tracker, peer, extension or all (default)
          --count N      inputs per target (default 1000000)
          --seed S       the random seed (default 1): the same seed gives the same inputs

        bench tracker runs our tracker on 127.0.0.1 and N clients announcing in a loop to it (100
        torrents, up to 1,000 peers each), over HTTP then UDP, and prints announces per second and
        the process's peak memory.
          --clients N    concurrent clients (1 to 256, default 16); --seconds S per protocol (default 3)

        bench soak seeds a 64 MiB torrent to three churning leechers in one process (one download in
        three stopped part way) for M minutes (default 10), printing RSS, managed memory, open files
        and threads every 10 s (Download/Benchmarks/soak.sh runs it on a Release build).
        """;

    public IReadOnlyList<string> ValueOptions => ["--files", "--seconds", "--max-pieces", "--peers", "--target", "--count", "--seed", "--clients", "--minutes"];
    public IReadOnlyList<string> FlagOptions => [];

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(0, 1, "nothing, or picker, fuzz, tracker or soak (see metorrent bench --help)");
        if (args.Positionals.Count == 1)
        {
            return args.Positionals[0] switch
            {
                "picker" => Task.FromResult(RunPicker(args, output, cancellation)),
                "fuzz" => Task.FromResult(BenchFuzz.Run(args, output, cancellation)),
                "tracker" => BenchTrackerAsync(args, output, cancellation),
                "soak" => SoakAsync(args, output, cancellation),
                _ => throw new UserError($"unknown benchmark \"{args.Positionals[0]}\" (bench, bench picker, bench fuzz, bench tracker or bench soak)"),
            };
        }
        int fileCount = args.IntOption(100_000, 1, 400_000, "--files");
        var minimum = TimeSpan.FromSeconds(args.IntOption(3, 1, 60, "--seconds"));

        byte[] torrentBytes = SyntheticTorrent.Create(fileCount, pieceLength: 128 * 1024);
        var decoded = BencodeDecoder.Decode(torrentBytes);
        var parsed = TorrentParser.Parse(torrentBytes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"synthetic torrent: {torrentBytes.Length / 1e6:F1} MB, {parsed.Files.Count} files, {parsed.PieceCount} pieces"));
#if DEBUG
        output.WriteLine("warning: this is a Debug build; use -c Release for meaningful figures");
#endif

        var results = new[]
        {
            Throughput.Measure("bencode decode", torrentBytes.Length, () => BencodeDecoder.Decode(torrentBytes), minimum, cancellation),
            Throughput.Measure("bencode encode", torrentBytes.Length, () => BencodeEncoder.Encode(decoded), minimum, cancellation),
            Throughput.Measure("torrent parse", torrentBytes.Length, () => TorrentParser.Parse(torrentBytes), minimum, cancellation),
        };
        foreach (var result in results)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Name,-16}{result.MegabytesPerSecond,9:F0} MB/s  {result.MillisecondsPerRun,8:F1} ms/run  {result.AllocatedPerRun / 1e6,7:F1} MB allocated/run  ({result.Runs} runs)"));
        return Task.FromResult(0);
    }

    private static int RunPicker(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        int maxPieces = args.IntOption(1_000_000, 1_000, 1_000_000, "--max-pieces");
        int peers = args.IntOption(20, 1, 200, "--peers");
#if DEBUG
        output.WriteLine("warning: this is a Debug build; use -c Release for meaningful figures");
#endif
        PickerBenchmark.Run(1_000, peers);   // warm-up: JIT and tiered compilation
        output.WriteLine($"{"pieces",9} {"peers",5} {"picker µs/piece",16} {"engine µs/piece",16} {"engine bytes/piece",19}");
        for (int pieces = 1_000; pieces <= maxPieces; pieces *= 10)
        {
            cancellation.ThrowIfCancellationRequested();
            var result = PickerBenchmark.Run(pieces, peers);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Pieces,9} {result.Peers,5} {result.PickerMicroseconds,16:F2} {result.EngineMicroseconds,16:F2} {result.EngineAllocatedPerPiece,19}"));
        }
        return 0;
    }

    private static async Task<int> BenchTrackerAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        int clients = args.IntOption(16, 1, 256, "--clients");
        var duration = TimeSpan.FromSeconds(args.IntOption(3, 1, 60, "--seconds"));
#if DEBUG
        output.WriteLine("warning: this is a Debug build; use -c Release for meaningful figures");
#endif
        foreach (bool udp in new[] { false, true })
        {
            var result = await TrackerLoad.MeasureAsync(udp, clients, duration, cancellation);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tracker {result.Protocol,-5}{result.PerSecond,10:N0} announces/s  ({result.Announces:N0} in {result.Elapsed.TotalSeconds:F1} s, {clients} clients, peak RSS {result.PeakWorkingSet >> 20} MiB)"));
        }
        return 0;
    }

    private static async Task<int> SoakAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        var duration = TimeSpan.FromMinutes(args.IntOption(10, 1, 24 * 60, "--minutes"));
        await Soak.RunAsync(duration, TimeSpan.FromSeconds(10), output, cancellation);
        return 0;
    }
}
