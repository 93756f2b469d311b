using System.Diagnostics;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;

namespace MeTorrent.Download.Cli;

/// <summary>`download -o &lt;path&gt; &lt;file.torrent&gt;`: the whole torrent from its swarm (course stage 5, and real use).</summary>
public sealed class DownloadCommand : ICommand, IHasOptions
{
    public string Name => "download";
    public string Summary => "download a torrent's files from its peers";
    public string Help => """
        Usage: metorrent download -o <path> <file.torrent> [options]

        Downloads every piece from the peers the torrent's trackers name (and any --peer), checks each
        piece's SHA-1 and writes it in place. -o names the output file of a single-file torrent, or the
        folder that receives the files of a multi-file torrent (the files go directly inside it).
        Run it again on the same path to resume: data already on disk is checked, not fetched again.
        Ctrl-C stops cleanly. Progress goes to standard error (a live bar on a terminal, a line every
        5 s otherwise); standard output gets only "Downloaded <torrent> to <path>.".

        Options:
          --peer ip:port    also connect to this peer (repeatable); enough on its own without a tracker
          --max-peers N     connections at once (default 50)
          --port N          accept incoming connections on port N (default: do not listen;
                            port 6881 is announced to trackers)
          --seed            once complete, keep serving the data (like `seed`) until Ctrl-C;
                            listens on --port, 6881 by default
          --timeout S       give up after S seconds without a verified piece (default 120)
          --quiet           print nothing but the result
          --verbose         log peer events (drops, bans, tracker errors) to standard error

        Examples:
          metorrent download -o sample.txt sample.torrent
          metorrent download -o ./album --peer 127.0.0.1:6881 album.torrent
          metorrent download --seed -o ./album album.torrent
        """;

    public IReadOnlyList<string> ValueOptions => ["-o", "--output", "--peer", "--max-peers", "--port", "--timeout"];
    public IReadOnlyList<string> FlagOptions => ["--quiet", "-q", "--verbose", "--seed"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one .torrent file, e.g. metorrent download -o out.bin file.torrent");
        string path = args.Option("-o", "--output") ?? throw new UserError("option -o <path> is required");
        string torrentArgument = args.Positionals[0];
        var torrent = InputFiles.ReadTorrent(torrentArgument);
        InputFiles.RefuseOverwritingTheTorrent(torrentArgument, path);
        bool quiet = args.Flag("--quiet", "-q");
        var errors = Console.Error;
        bool seed = args.Flag("--seed");
        int? port = args.Option("--port") is null ? null : args.IntOption(0, 0, 65535, "--port");
        var options = new EngineOptions
        {
            Peers = args.Options("--peer").Select(PeerAddress.Parse).ToList(),
            MaxPeers = args.IntOption(50, 1, 1000, "--max-peers"),
            ListenPort = seed ? port ?? SeedCommand.DefaultPort : port,
            DialWhenComplete = seed,
            NoProgressTimeout = TimeSpan.FromSeconds(args.IntOption(120, 1, 86400, "--timeout")),
            Log = args.Flag("--verbose") ? line => errors.WriteLine(line) : null,
        };

        var clock = Stopwatch.StartNew();
        TorrentEngine engine;
        try
        {
            engine = await TorrentEngine.StartAsync(torrent, path, options, cancellation);
        }
        catch (EngineException e)
        {
            throw new UserError(e.Message);
        }
        try
        {
            await WaitWithProgressAsync(engine, ProgressDisplay.ModeFor(quiet), errors, cancellation);
            if (seed)
            {
                Report(engine, clock.Elapsed, torrentArgument, path, quiet, args.Flag("--verbose"), output, errors);
                output.WriteLine($"Seeding {torrentArgument} from {path} on port {engine.ListenEndPoint!.Port} until Ctrl-C.");
                await SeedCommand.ServeUntilStoppedAsync(engine, ProgressDisplay.ModeFor(quiet), errors, cancellation);
            }
        }
        catch (EngineException e)
        {
            throw new UserError(e.Message);
        }
        finally
        {
            await engine.DisposeAsync();   // flush and close the files before saying we are done
        }
        Report(engine, clock.Elapsed, torrentArgument, path, quiet, args.Flag("--verbose"), output, errors);
        return 0;
    }

    private static void Report(TorrentEngine engine, TimeSpan elapsed, string torrentArgument, string path, bool quiet, bool verbose, TextWriter output, TextWriter errors)
    {
        if (!quiet)
            errors.WriteLine("Finished: " + Progress.Summary.Of(engine.Stats, elapsed));
        if (verbose)
            errors.WriteLine(MemoryFigures.Of(engine.PieceBuffers));
        output.WriteLine($"Downloaded {torrentArgument} to {path}.");
    }

    /// <summary>Shows progress until the engine completes (or fails, or the user cancels).</summary>
    public static async Task WaitWithProgressAsync(TorrentEngine engine, ProgressDisplay.Mode mode, TextWriter errors, CancellationToken cancellation)
    {
        var display = new ProgressDisplay(errors, mode);
        using var stopDisplay = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var stats = engine.Stats;
        // With no peer connected, say why: a tracker error is shown rather than a silent wait.
        var drawing = display.RunAsync(() => new ProgressSample(stats.BytesDone, stats.TotalBytes, stats.BytesReceived, stats.ConnectedPeers,
            stats.ConnectedPeers == 0 && engine.TrackerError is { } error ? "waiting for peers: " + error : null), stopDisplay.Token);
        try
        {
            await engine.Completion.WaitAsync(cancellation);
        }
        finally
        {
            stopDisplay.Cancel();
            await drawing;
        }
    }
}
