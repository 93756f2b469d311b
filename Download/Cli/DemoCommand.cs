using System.Diagnostics;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Dht;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;

namespace MeTorrent.Download.Cli;

/// <summary>`demo`: a whole swarm on 127.0.0.1 in this process — tracker (or DHT), seeders, our downloader — no setup, no internet.</summary>
public sealed class DemoCommand : ICommand, IHasOptions
{
    public string Name => "demo";
    public string Summary => "download sample data from a local swarm (no internet needed)";
    public string Help => """
        Usage: metorrent demo [options]

        Makes sample files and their torrent in a temporary folder, starts our tracker and a few seeding
        peers on 127.0.0.1, downloads the torrent with the normal engine, checks the result byte for byte,
        prints the figures and deletes the folder. Exit status 0 only if the copy is exact.

        Options:
          --size N          payload size in MiB (default 64); K, M or G suffix allowed, e.g. 512K, 1G
          --seeders N       honest seeders (default 3)
          --multi-file      a folder torrent: nested folders, an empty file, a padding file
          --piece-length K  piece length in KiB, a power of two from 16 to 16384 (default 256)
          --liar            add a seeder that sends corrupt blocks: watch it get banned
          --magnet          start from a magnet link (info hash + the demo tracker) as `download` does:
                            the metadata comes from the seeders first (BEP 9)
          --dht             no tracker: the seeders announce to a small DHT of in-process nodes on
                            127.0.0.1 and the downloader finds them with a get_peers lookup (BEP 5)
          --quiet           print only the figures
          --verbose         also print memory figures (for the whole process: seeders included)
          --map             show the live piece map under the progress bar (verified, requested, failed
                            pieces; availability; the peers and their choke state) — try it with --liar
          --trace           print every handshake and message in and out, one line each, on standard
                            error: 12:00:01.204 127.0.0.1:6881 ← piece index=3 begin=16384 block=16384 bytes
          --trace-peer A    the same, for the peer at ip:port only

        Examples:
          metorrent demo
          metorrent demo --size 1G --seeders 4 --liar
          metorrent demo --multi-file --piece-length 64
          metorrent demo --magnet
          metorrent demo --dht --magnet
        """;

    public IReadOnlyList<string> ValueOptions => ["--size", "--seeders", "--piece-length", .. TraceOption.Values];
    public IReadOnlyList<string> FlagOptions => ["--multi-file", "--liar", "--magnet", "--dht", "--quiet", "-q", "--verbose", "--map", .. TraceOption.Flags];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(0, 0, "no arguments (options only)");
        var options = new DemoSwarmOptions
        {
            Size = ParseSize(args.Option("--size") ?? "64"),
            Seeders = args.IntOption(3, 1, 50, "--seeders"),
            MultiFile = args.Flag("--multi-file"),
            PieceLength = PieceLengthOption(args),
            Liar = args.Flag("--liar"),
            Dht = args.Flag("--dht"),
        };
        bool quiet = args.Flag("--quiet", "-q");
        var errors = Console.Error;
        await using var trace = TraceOption.Open(args, errors);   // the downloader's connections

        await using var swarm = await DemoSwarm.StartAsync(options, cancellation);
        if (!quiet)
            errors.WriteLine($"Demo swarm: {Units.Bytes(swarm.Torrent.TotalLength)} in {swarm.Torrent.PieceCount} pieces, " +
                (swarm.Dht is { } demoDht ? $"a DHT of {demoDht.NodeCount} nodes" : $"tracker {swarm.Tracker!.HttpAnnounceUrl}") +
                $", {options.Seeders} seeders{(options.Liar ? " + 1 liar" : "")}.");

        var clock = Stopwatch.StartNew();
        await using var dht = swarm.Dht is null ? null : await swarm.Dht.JoinAsync(cancellation);
        var (torrent, peers) = args.Flag("--magnet")
            ? await FromMagnetAsync(swarm, dht, quiet, args.Flag("--verbose"), errors, cancellation)
            : (swarm.Torrent, dht is null ? [] : await DhtClientOptions.FirstPeersAsync(dht, swarm.Torrent.InfoHash, quiet, errors, cancellation));
        if (args.Flag("--magnet"))
        {
            output.WriteLine($"Metadata: {torrent.InfoBytes.Length} bytes fetched from the seeders in {clock.Elapsed.TotalSeconds:0.000} s (magnet link: {Metainfo.MagnetLink.For(swarm.Torrent)}).");
            clock.Restart();   // the download's figures are the data's alone
        }
        var engine = await TorrentEngine.StartAsync(torrent, swarm.DownloadPath,
            new EngineOptions { Peers = peers, NoProgressTimeout = TimeSpan.FromSeconds(30), Trace = trace?.Observer }, cancellation);
        var fromDht = dht is null ? null : DhtPeerSource.Start(dht.Node, engine, DemoDht.SourceOptions);
        try
        {
            await DownloadCommand.WaitWithProgressAsync(engine, ProgressDisplay.ModeFor(quiet), errors, cancellation, map: args.Flag("--map"));
        }
        catch (EngineException e)
        {
            throw new UserError(e.Message);
        }
        finally
        {
            if (fromDht is not null)
                await fromDht.DisposeAsync();
            await engine.DisposeAsync();
        }
        var elapsed = clock.Elapsed;
        bool exact = swarm.Verify(swarm.DownloadPath);
        var stats = engine.Stats;
        output.WriteLine($"Downloaded {Units.Bytes(stats.BytesVerified)} in {elapsed.TotalSeconds:0.000} s: " +
            $"{stats.BytesVerified / elapsed.TotalSeconds / (1 << 20):0.0} MiB/s from {stats.PeakPeers} peer{(stats.PeakPeers == 1 ? "" : "s")}.");
        output.WriteLine($"Pieces: {swarm.Torrent.PieceCount}, re-fetched after a failed hash check: {stats.PiecesFailed}; peers banned: {stats.PeersBanned}; " +
            $"bytes received: {stats.BytesReceived} ({Units.Bytes(stats.BytesReceived - stats.BytesVerified)} wasted).");
        if (args.Flag("--verbose"))
            errors.WriteLine(MemoryFigures.Of(engine.PieceBuffers, engine.Stats));
        output.WriteLine(exact ? "Verified: the download is identical to the seeders' files." : "FAILED: the download differs from the seeders' files.");
        return exact ? 0 : 1;
    }

    /// <summary>
    /// What `download` does with a magnet link: the metadata is fetched from the peers the link's tracker
    /// (or the DHT) names (the demo's seeders are ordinary engines: they serve it), then the engine starts with them.
    /// </summary>
    private static async Task<(Metainfo.Torrent, IReadOnlyList<System.Net.IPEndPoint>)> FromMagnetAsync(DemoSwarm swarm, DhtSession? dht,
        bool quiet, bool verbose, TextWriter errors, CancellationToken cancellation)
    {
        var magnet = Metainfo.MagnetLink.For(swarm.Torrent);
        var peers = dht is null ? [] : await DhtClientOptions.FirstPeersAsync(dht, magnet.InfoHash, quiet, errors, cancellation);
        var fetched = await MagnetInput.FetchAsync(magnet, peers, Metainfo.PeerId.Generate(), quiet, verbose, errors, cancellation);
        return (fetched.Torrent, fetched.Peers);
    }

    private static int PieceLengthOption(CommandLine args)
    {
        int kib = args.IntOption(256, 16, 16 * 1024, "--piece-length");
        if (!int.IsPow2(kib))
            throw new UserError($"option --piece-length must be a power of two (16, 32, 64, ... 16384), not {kib}");
        return kib * 1024;
    }

    private static long ParseSize(string text)
    {
        string digits = text.TrimEnd('K', 'k', 'M', 'm', 'G', 'g', 'B', 'b', 'i');
        long unit = char.ToUpperInvariant(text.TrimEnd('B', 'b', 'i').LastOrDefault()) switch
        {
            'K' => 1L << 10,
            'G' => 1L << 30,
            _ => 1L << 20,
        };
        if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            || value <= 0 || value * unit > (64L << 30))
            throw new UserError($"option --size must be a size from 1 to 64G, not \"{text}\"");
        return value * unit;
    }
}
