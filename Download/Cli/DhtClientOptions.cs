using System.Net;
using MeTorrent.Download.Dht;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Cli;

/// <summary>
/// The DHT options of `download` and `seed`: the client joins the DHT only when the user gives
/// `--dht-bootstrap`, or when an earlier run that used it saved its nodes. With neither, no DHT socket
/// is opened and no DHT packet is sent.
/// </summary>
public static class DhtClientOptions
{
    public const string NodesFile = "--dht-nodes";

    public static IReadOnlyList<string> ValueOptions => [DhtBootstrapOption.Name, NodesFile];

    public const string Help = """
          --dht-bootstrap host:port
                            join the DHT (BEP 5) through this node (repeatable) to find peers without
                            a tracker, and announce ourselves there (never for private torrents, BEP 27);
                            `public` means the public DHT's routers. Off unless given (or saved, below)
          --dht-nodes FILE  where the DHT nodes are saved on exit; when that file exists the DHT is
                            joined through them without --dht-bootstrap (default
                            <user data folder>/metorrent/dht-nodes)
        """;

    /// <summary>Whether the user asked for the DHT: --dht-bootstrap, or nodes saved by an earlier run.</summary>
    public static bool IsAsked(CommandLine args) =>
        args.Options(DhtBootstrapOption.Name).Count > 0 || File.Exists(args.Option(NodesFile) ?? SavedNodes.DefaultPath);

    /// <summary>A joined DHT node, or null when the user asked for none (no option, no saved nodes).</summary>
    /// <param name="port">the UDP port to bind, if free (the TCP listen port, as clients do); 0 = any</param>
    public static async Task<DhtSession?> JoinIfAskedAsync(CommandLine args, int port, bool quiet, TextWriter errors, CancellationToken ct,
        bool inBackground = false)
    {
        if (!IsAsked(args))
            return null;
        var given = args.Options(DhtBootstrapOption.Name);
        string savedPath = args.Option(NodesFile) ?? SavedNodes.DefaultPath;
        var bootstrap = await DhtBootstrapOption.ResolveAsync(given, ct);
        Action<string> log = quiet ? _ => { } : line => errors.WriteLine(line);
        var session = await DhtSession.JoinAsync(bootstrap, savedPath, new DhtNodeOptions { Port = port }, log, ct, anyPortIfTaken: true, inBackground);
        if (!inBackground && session.JoinedWith == 0)
            errors.WriteLine($"warning: no DHT node answered; check {DhtBootstrapOption.Name}");
        return session;
    }

    /// <summary>
    /// The peers the DHT knows for a torrent when nothing else names one (a magnet link with no tracker and
    /// no x.pe, for its metadata phase; a torrent with no tracker, before the engine starts): lookups until
    /// one finds peers, a few times, since announces take a moment to spread.
    /// </summary>
    public static async Task<List<IPEndPoint>> FirstPeersAsync(DhtSession dht, Metainfo.InfoHash infoHash, bool quiet, TextWriter errors,
        CancellationToken ct)
    {
        const int Attempts = 3;
        if (!quiet)
            errors.WriteLine($"Looking up {infoHash.Hex} in the DHT...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            var peers = new List<IPEndPoint>();
            var result = await dht.Node.FindPeersAsync(new NodeId(infoHash.Bytes), peers.Add, null, ct);
            if (peers.Count > 0)
            {
                if (!quiet)
                    errors.WriteLine($"DHT: {peers.Count} peers from {result.Queried} nodes in {clock.ElapsedMilliseconds} ms.");
                return peers;
            }
            if (attempt == Attempts)
                throw new UserError($"the DHT knows no peer for this torrent ({result.Queried} nodes asked, {Attempts} lookups)");
            await Task.Delay(TimeSpan.FromSeconds(2 * attempt), ct);
        }
    }
}
