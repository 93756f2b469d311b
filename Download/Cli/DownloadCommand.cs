using System.Diagnostics;
using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;
using MeTorrent.Download.Dht;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;

namespace MeTorrent.Download.Cli;

/// <summary>`download -o &lt;path&gt; &lt;file.torrent&gt;`: the whole torrent from its swarm (course stage 5, and real use).</summary>
public sealed class DownloadCommand : ICommand, IHasOptions
{
    public string Name => "download";
    public string Summary => "download a torrent's files from its peers";
    public string Help => $"""
        Usage: metorrent download -o <path> <file.torrent | magnet-link> [options]

        Downloads every piece from the peers the torrent's trackers name (and any --peer, and those of
        the DHT when it is on: --dht-bootstrap), checks each piece's SHA-1 and writes it in place. -o names the output file of a single-file torrent, or the
        folder that receives the files of a multi-file torrent (the files go directly inside it).
        Run it again on the same path to resume: data already on disk is checked, not fetched again.
        Ctrl-C stops cleanly. Progress goes to standard error (a live bar on a terminal, a line every
        5 s otherwise); standard output gets only "Downloaded <torrent> to <path>.".

        A magnet link ("magnet:?xt=urn:btih:...", quoted) is fetched first: peers from its trackers
        (tr), its x.pe addresses and --peer send the info dictionary (BEP 9), which is checked against
        the info hash and kept as <path>.torrent, so a resumed download does not fetch it again.
        A link with no tracker and no x.pe needs the DHT (--dht-bootstrap) or --peer.

        Options:
          --peer ip:port    also connect to this peer (repeatable); enough on its own without a tracker
          --max-peers N     connections at once (default 50)
        {EncryptionOption.Help}
          --port N          accept incoming connections on port N (default: do not listen;
                            port 6881 is announced to trackers)
          --seed            once complete, keep serving the data (like `seed`) until Ctrl-C;
                            listens on --port, 6881 by default
          --timeout S       give up after S seconds without a verified piece (default 120)
          --quiet           print nothing but the result
          --verbose         log peer events (drops, bans, tracker errors) to standard error
          --map             show the live piece map under the progress bar (verified, requested, failed
                            pieces; availability; the peers and their choke state)
          --trace           print every handshake and message in and out, one line each, on standard
                            error: 12:00:01.204 127.0.0.1:6881 ← piece index=3 begin=16384 block=16384 bytes
          --trace-peer A    the same, for the peer at ip:port only
          --save-torrent F  (magnet links) also write the assembled .torrent to F
        {DhtClientOptions.Help}

        Examples:
          metorrent download -o sample.txt sample.torrent
          metorrent download -o ./album --peer 127.0.0.1:6881 album.torrent
          metorrent download --seed -o ./album album.torrent
          metorrent download -o movie.mkv "magnet:?xt=urn:btih:...&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
          metorrent download -o movie.mkv --dht-bootstrap 127.0.0.1:6881 "magnet:?xt=urn:btih:..."
        """;

    public IReadOnlyList<string> ValueOptions => ["-o", "--output", "--peer", "--max-peers", EncryptionOption.Name, "--port", "--timeout", "--save-torrent", .. DhtClientOptions.ValueOptions, .. TraceOption.Values];
    public IReadOnlyList<string> FlagOptions => ["--quiet", "-q", "--verbose", "--seed", "--map", .. TraceOption.Flags];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one .torrent file or magnet link, e.g. metorrent download -o out.bin file.torrent");
        string path = args.Option("-o", "--output") ?? throw new UserError("option -o <path> is required");
        string torrentArgument = args.Positionals[0];
        bool quiet = args.Flag("--quiet", "-q");
        var encryption = EncryptionOption.Parse(args);
        var errors = Console.Error;
        await using var trace = TraceOption.Open(args, errors);
        bool seed = args.Flag("--seed");
        int? port = args.Option("--port") is null ? null : args.IntOption(0, 0, 65535, "--port");
        var peers = args.Options("--peer").Select(PeerAddress.Parse).ToList();
        var magnet = MagnetLink.LooksLikeMagnet(torrentArgument) ? MagnetInput.Parse(torrentArgument) : null;
        int? listenPort = seed ? port ?? SeedCommand.DefaultPort : port;
        var fromFile = magnet is null ? ReadTorrentFile(torrentArgument, path, args) : null;   // a bad file is said before joining the DHT
        // A torrent with trackers or given peers starts at once; the DHT joins meanwhile (saved nodes may be long gone).
        bool otherSources = fromFile is not null && (fromFile.TrackerTiers.Count > 0 || peers.Count > 0);
        await using var dht = await DhtClientOptions.JoinIfAskedAsync(args, listenPort ?? 0, quiet, errors, cancellation, inBackground: otherSources);
        Torrent torrent;
        if (fromFile is not null)
            torrent = fromFile;
        else
        {
            (torrent, peers) = await FromMagnetAsync(magnet!, path, args.Option("--save-torrent"), peers, dht,
                quiet, args.Flag("--verbose"), errors, cancellation, encryption.Dial());
            torrentArgument = torrent.Name;
        }
        if (dht is not null && peers.Count == 0 && torrent.TrackerTiers.Count == 0 && listenPort is null && !torrent.IsPrivate)
            peers = await DhtClientOptions.FirstPeersAsync(dht, torrent.InfoHash, quiet, errors, cancellation); // the engine needs a peer source to start
        var options = new EngineOptions
        {
            Peers = peers,
            MaxPeers = args.IntOption(50, 1, 1000, "--max-peers"),
            Encryption = encryption,
            ListenPort = listenPort,
            DialWhenComplete = seed,
            NoProgressTimeout = TimeSpan.FromSeconds(args.IntOption(120, 1, 86400, "--timeout")),
            Log = args.Flag("--verbose") ? line => errors.WriteLine(line) : null,
            Trace = trace?.Observer,
            DhtPort = dht is null ? null : () => (ushort)dht.Node.LocalEndPoint.Port,
            DhtNodeHeard = dht is null ? null : dht.PingSoon,
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
        var fromDht = dht is null ? null : DhtPeerSource.Start(dht.Node, engine, new DhtPeerSourceOptions { Log = options.Log, Joined = dht.Joined });
        try
        {
            await WaitWithProgressAsync(engine, ProgressDisplay.ModeFor(quiet), errors, cancellation, map: args.Flag("--map"));
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
            if (fromDht is not null)
                await fromDht.DisposeAsync();
            await engine.DisposeAsync();   // flush and close the files before saying we are done
        }
        Report(engine, clock.Elapsed, torrentArgument, path, quiet, args.Flag("--verbose"), output, errors);
        return 0;
    }

    private static Torrent ReadTorrentFile(string torrentPath, string outputPath, CommandLine args)
    {
        if (args.Option("--save-torrent") is not null)
            throw new UserError("--save-torrent is for magnet links (a .torrent file is already saved)");
        var torrent = InputFiles.ReadTorrent(torrentPath);
        InputFiles.RefuseOverwritingTheTorrent(torrentPath, outputPath);
        return torrent;
    }

    private static void Report(TorrentEngine engine, TimeSpan elapsed, string torrentArgument, string path, bool quiet, bool verbose, TextWriter output, TextWriter errors)
    {
        if (!quiet)
            errors.WriteLine("Finished: " + Progress.Summary.Of(engine.Stats, elapsed));
        if (verbose)
        {
            errors.WriteLine(MemoryFigures.Of(engine.PieceBuffers, engine.Stats));
            errors.WriteLine(MemoryFigures.Cpu());
        }
        output.WriteLine($"Downloaded {torrentArgument} to {path}.");
    }

    /// <summary>
    /// The torrent of a magnet link: the metadata kept beside the output by an earlier run, or fetched from
    /// peers now (and then kept). Returns the peers to start with: --peer, x.pe and those the fetch found.
    /// A link that names no tracker and no peer gets its peers from the DHT, if it is on.
    /// </summary>
    private static async Task<(Torrent, List<IPEndPoint>)> FromMagnetAsync(MagnetLink magnet, string path, string? saveTorrent,
        List<IPEndPoint> peers, DhtSession? dht, bool quiet, bool verbose, TextWriter errors, CancellationToken cancellation,
        DialEncryption dial)
    {
        string kept = SavedMetadata.BesideOutput(path);
        var all = peers.Concat(magnet.Peers).Distinct().ToList();
        if (SavedMetadata.TryLoad(kept, magnet.InfoHash) is { } saved)
        {
            if (!quiet)
                errors.WriteLine($"Using the metadata kept in {kept}.");
            if (saveTorrent is not null)
                SavedMetadata.Write(saveTorrent, File.ReadAllBytes(kept));
            return (saved, all);
        }
        if (magnet.Trackers.Count == 0 && all.Count == 0)
            peers = dht is null
                ? throw new UserError($"the magnet link names no tracker (tr) and no peer (x.pe): turn the DHT on with {DhtBootstrapOption.Name} host:port, or give peers with --peer ip:port")
                : await DhtClientOptions.FirstPeersAsync(dht, magnet.InfoHash, quiet, errors, cancellation);
        var fetched = await MagnetInput.FetchAsync(magnet, peers, PeerId.Generate(), quiet, verbose, errors, cancellation, dial);
        if (File.Exists(kept))
            errors.WriteLine($"warning: {kept} exists and is not this torrent; the metadata is not kept there");
        else
            SavedMetadata.Write(kept, fetched.TorrentFile);
        if (saveTorrent is not null)
            SavedMetadata.Write(saveTorrent, fetched.TorrentFile);
        return (fetched.Torrent, [.. all.Concat(fetched.Peers).Distinct()]);
    }

    /// <summary>Shows progress until the engine completes (or fails, or the user cancels).</summary>
    /// <param name="map">draw the live piece map under the progress line (--map)</param>
    public static async Task WaitWithProgressAsync(TorrentEngine engine, ProgressDisplay.Mode mode, TextWriter errors, CancellationToken cancellation,
        bool map = false)
    {
        using var stopDisplay = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var stats = engine.Stats;
        // With no peer connected, say why: a tracker error is shown rather than a silent wait.
        ProgressSample Sample() => new(stats.BytesDone, stats.TotalBytes, stats.BytesReceived, stats.ConnectedPeers,
            stats.ConnectedPeers == 0 && engine.TrackerError is { } error ? "waiting for peers: " + error : null);
        var drawing = map
            ? new MapDisplay(errors, mode).RunAsync(engine, Sample, stopDisplay.Token)
            : new ProgressDisplay(errors, mode).RunAsync(Sample, stopDisplay.Token);
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
