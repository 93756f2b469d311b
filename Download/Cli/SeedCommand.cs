using MeTorrent.Download.Dht;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;

namespace MeTorrent.Download.Cli;

/// <summary>`seed &lt;file.torrent&gt; &lt;data-path&gt;`: serves a torrent's data to its swarm until Ctrl-C.</summary>
public sealed class SeedCommand : ICommand, IHasOptions
{
    public const int DefaultPort = 6881;

    public string Name => "seed";
    public string Summary => "serve a torrent's data to its peers until Ctrl-C";
    public string Help => $"""
        Usage: metorrent seed <file.torrent> <data-path> [options]

        Serves the torrent's data until Ctrl-C. <data-path> is the torrent's file (single-file torrent)
        or the folder that holds its files (multi-file torrent), as `download -o` writes them. Every
        piece is checked first: missing data, a file longer than the torrent's, or data of which no
        piece matches is refused with an error; when only some pieces match, those are seeded (peers
        that hold the others may fill the gaps). Then seed announces to the torrent's trackers, accepts
        peers on --port, and dials the peers the trackers list (some clients never dial: Transmission
        ignores 127.0.0.1 peers, and peers behind NAT cannot be reached). Standard output gets one line
        with the port; standard error a status line (peers, bytes uploaded, upload rate): live on a
        terminal, a line every 5 s otherwise. Ctrl-C or SIGTERM announces "stopped" and exits with 130.

        Options:
          --port N          accept peers on port N (default 6881; 0 = any free port)
          --peer ip:port    also offer the data to this peer (repeatable)
          --max-peers N     connections at once (default 50)
        {EncryptionOption.Help}
          --no-tracker      do not announce (peers come from --peer and incoming connections)
          --quiet           no status line
          --verbose         log peer events (connections, drops, tracker errors) to standard error
        {DhtClientOptions.Help}

        Examples:
          metorrent seed sample.torrent sample.txt
          metorrent seed --port 0 album.torrent ./album
          metorrent seed --no-tracker --port 7000 album.torrent ./album    # peers dial 127.0.0.1:7000
          metorrent seed --no-tracker --dht-bootstrap 127.0.0.1:6881 album.torrent ./album
        """;

    public IReadOnlyList<string> ValueOptions => ["--port", "--peer", "--max-peers", EncryptionOption.Name, .. DhtClientOptions.ValueOptions];
    public IReadOnlyList<string> FlagOptions => ["--no-tracker", "--quiet", "-q", "--verbose"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "a .torrent file and its data, e.g. metorrent seed file.torrent ./data");
        var (torrentArgument, dataPath) = (args.Positionals[0], args.Positionals[1]);
        var encryption = EncryptionOption.Parse(args);
        var torrent = InputFiles.ReadTorrent(torrentArgument);
        InputFiles.RefuseOverwritingTheTorrent(torrentArgument, dataPath);
        SeedDataCheck.BeforeStart(torrent, dataPath);
        bool quiet = args.Flag("--quiet", "-q");
        var errors = Console.Error;
        Tracker.Dht.DhtNode? dhtNode = null;
        DhtSession? dhtSession = null;
        var options = new EngineOptions
        {
            ListenPort = args.IntOption(DefaultPort, 0, 65535, "--port"),
            Peers = args.Options("--peer").Select(PeerAddress.Parse).ToList(),
            MaxPeers = args.IntOption(50, 1, 1000, "--max-peers"),
            Encryption = encryption,
            UseTrackers = !args.Flag("--no-tracker"),
            DialWhenComplete = true,
            NoProgressTimeout = TimeSpan.MaxValue,   // a seeder with gaps waits for peers that may fill them, without giving up
            Log = args.Flag("--verbose") ? line => errors.WriteLine(line) : null,
            // The node starts after the engine, on the port the engine listens on (below).
            DhtPort = DhtClientOptions.IsAsked(args) ? () => dhtNode?.LocalEndPoint is { } node ? (ushort)node.Port : null : null,
            DhtNodeHeard = endPoint => dhtSession?.PingSoon(endPoint),
        };

        TorrentEngine engine;
        try
        {
            engine = await TorrentEngine.StartAsync(torrent, dataPath, options, cancellation);
        }
        catch (Exception e) when (e is EngineException or System.Net.Sockets.SocketException)
        {
            throw new UserError(e is System.Net.Sockets.SocketException ? $"cannot listen on port {options.ListenPort}: {e.Message}" : e.Message);
        }
        DhtSession? dht = null;
        DhtPeerSource? fromDht = null;
        try
        {
            dht = await DhtClientOptions.JoinIfAskedAsync(args, engine.ListenEndPoint!.Port, quiet, errors, cancellation);
            fromDht = dht is null ? null : DhtPeerSource.Start(dht.Node, engine, new DhtPeerSourceOptions { Log = options.Log });
            (dhtSession, dhtNode) = (dht, dht?.Node);
            string verified = SeedDataCheck.AfterCheck(engine, dataPath);
            if (!quiet)
                errors.WriteLine($"{torrent.Name}: {verified}.");
            output.WriteLine($"Seeding {torrentArgument} from {dataPath} on port {engine.ListenEndPoint!.Port}.");
            output.Flush();
            await ServeUntilStoppedAsync(engine, ProgressDisplay.ModeFor(quiet), errors, cancellation);
            return 0;   // not reached: serving ends with Ctrl-C (exit 130)
        }
        finally
        {
            if (fromDht is not null)
                await fromDht.DisposeAsync();
            await engine.DisposeAsync();   // announces "stopped"
            if (dht is not null)
                await dht.DisposeAsync();   // saves the nodes for the next run
        }
    }

    /// <summary>Shows the seeder's status line until Ctrl-C (the OperationCanceledException ends it), or until the engine fails.</summary>
    public static async Task ServeUntilStoppedAsync(TorrentEngine engine, ProgressDisplay.Mode mode, TextWriter errors, CancellationToken cancellation)
    {
        var display = new ProgressDisplay(errors, mode);
        using var stopDisplay = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var stats = engine.Stats;
        var drawing = display.RunAsync(
            () => new SeedSample(stats.BytesDone, stats.TotalBytes, stats.ConnectedPeers, stats.BytesUploaded),
            s => s.Uploaded, (s, rate, _) => SeedLine.Format(s, rate), stopDisplay.Token);
        try
        {
            // Until Ctrl-C, or until the engine fails: the disk (while filling gaps in partial data), or its loop
            // (a bug, or a lesson step not written yet), which a complete torrent's Completion no longer reports.
            var stopped = Task.Delay(Timeout.Infinite, cancellation);
            await Task.WhenAny(engine.Completion, stopped);
            if (engine.Completion.IsFaulted)
                await engine.Completion;
            await Task.WhenAny(engine.LoopFailure, stopped);
            if (engine.LoopFailure.IsFaulted)
                await engine.LoopFailure;
            await stopped;
        }
        catch (EngineException e)
        {
            throw new UserError(e.Message);
        }
        finally
        {
            stopDisplay.Cancel();
            await drawing;
        }
    }
}
