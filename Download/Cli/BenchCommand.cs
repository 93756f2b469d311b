using System.Globalization;
using MeTorrent.Bencode;
using MeTorrent.Download.Benchmarks;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `bench`: bencode decode/encode and torrent parse throughput on a large synthetic .torrent;
/// `bench picker`: the download engine's bookkeeping CPU per piece from 1,000 pieces up.
/// </summary>
public sealed class BenchCommand : ICommand, IHasOptions
{
    public string Name => "bench";
    public string Summary => "measure bencode and .torrent parsing speed, or the engine's picking cost";
    public string Help => """
        Usage: metorrent bench [--files N] [--seconds S]
               metorrent bench picker [--max-pieces N] [--peers P]

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
        """;

    public IReadOnlyList<string> ValueOptions => ["--files", "--seconds", "--max-pieces", "--peers"];
    public IReadOnlyList<string> FlagOptions => [];

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(0, 1, "no arguments, or picker (see metorrent bench --help)");
        if (args.Positionals.Count == 1)
        {
            if (args.Positionals[0] != "picker")
                throw new UserError($"unknown benchmark \"{args.Positionals[0]}\" (the only one is picker)");
            return Task.FromResult(RunPicker(args, output, cancellation));
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
}
