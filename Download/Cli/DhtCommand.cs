using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Download.Dht;
using MeTorrent.Metainfo;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `dht ping | get_peers | node`: the DHT node of <c>Tracker/Dht</c> (BEP 5) on its own — ask one node,
/// look up the peers of an info hash, or run a node. Only addresses the user names (or that DHT nodes
/// hand us, or that were saved by an earlier run) are ever contacted.
/// </summary>
public sealed class DhtCommand : ICommand, IHasOptions
{
    public string Name => "dht";
    public string Summary => "the DHT (BEP 5): ping a node, find peers without a tracker, run a node";
    public string Help => """
        Usage: metorrent dht ping <ip:port>
               metorrent dht get_peers <info-hash | magnet-link | file.torrent> --dht-bootstrap host:port [--address IP]
                                 [--timeout S] [--quiet]
               metorrent dht node [--port N] [--address IP] [--dht-bootstrap host:port] [--interval S]
                                  [--announce <info-hash> [--peer-port N]]

        ping       asks one DHT node for its id: prints "Node ID: <40 hex>".
        get_peers  joins the DHT through the bootstrap nodes (and the nodes saved by an earlier run),
                   then looks up the peers of the info hash (40 hex digits, a magnet link's
                   urn:btih, quoted, or a .torrent file's): prints each peer as it
                   arrives ("peer ip:port") and each node the lookup asks ("hop N ...").
                   With --quiet: only the peers, one ip:port a line.
        node       runs a DHT node that answers others until Ctrl-C (exit 130), printing its routing
                   table's size now and then. With --announce it also tells the DHT, every 5 minutes,
                   that a peer of that torrent listens on TCP --peer-port at this node's address.

        get_peers and node save the nodes they know on exit and start from them the next time
        (in <user data folder>/metorrent/dht-nodes, or --dht-nodes FILE).

        Options:
          --dht-bootstrap host:port  a node to join through (repeatable); `public` means the public
                                     DHT's routers (router.bittorrent.com:6881 and others) — never a default
          --dht-nodes FILE           where the known nodes are saved between runs
          --port N                   node: the UDP port (default 6881; 0 picks a free one)
          --address IP               the address our node listens on (default 0.0.0.0; get_peers and node)
          --interval S               node: seconds between status lines (default 10)
          --announce HASH            node: announce a peer for this info hash (repeatable)
          --peer-port N              node: the TCP port announced (default: the node's UDP port)
          --timeout S                ping, get_peers: give up after S seconds (default 30)
          --quiet                    get_peers: print only the peers

        IPv6 (BEP 32) is not supported yet.

        Examples:
          metorrent dht ping 127.0.0.1:6881
          metorrent dht get_peers d69f91e6b2ae4c542468d1073a71d4ea13879a7f --dht-bootstrap 127.0.0.1:6881
          metorrent dht get_peers d69f91e6b2ae4c542468d1073a71d4ea13879a7f --dht-bootstrap public
          metorrent dht node --port 6881 --dht-bootstrap 127.0.0.1:6882
        """;

    /// <summary>How often `dht node --announce` announces again (announced peers expire after 30 minutes).</summary>
    private static readonly TimeSpan AnnounceInterval = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> ValueOptions => [DhtBootstrapOption.Name, "--dht-nodes", "--port", "--address", "--interval", "--timeout", "--announce", "--peer-port"];
    public IReadOnlyList<string> FlagOptions => ["--quiet"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        if (args.Positionals.Count == 0)
            throw new UserError("expected ping, get_peers or node (see metorrent dht --help)");
        try
        {
            return args.Positionals[0] switch
            {
                "ping" => await PingAsync(args, output, cancellation),
                "get_peers" => await GetPeersAsync(args, output, cancellation),
                "node" => await RunNodeAsync(args, output, cancellation),
                var other => throw new UserError($"unknown dht command \"{other}\": expected ping, get_peers or node"),
            };
        }
        catch (DhtQueryException e)
        {
            throw new UserError(e.Message);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new UserError($"gave up after {args.IntOption(30, 1, 3600, "--timeout")} s (--timeout)");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new UserError($"cannot listen: the UDP port is taken ({e.Message})");
        }
    }

    private static async Task<int> PingAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "dht ping <ip:port>");
        var target = PeerAddress.Parse(args.Positionals[1]);
        using var timeout = Timeout(args, cancellation);
        await using var node = DhtNode.Start(new DhtNodeOptions { Address = Address(args) });
        var clock = Stopwatch.StartNew();
        var id = await node.PingAsync(target, timeout.Token);
        output.WriteLine($"Node ID: {id}");
        output.WriteLine($"answered in {clock.ElapsedMilliseconds} ms");
        return 0;
    }

    private static async Task<int> GetPeersAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "dht get_peers <info-hash | magnet-link | file.torrent>");
        var infoHash = ParseInfoHash(args.Positionals[1]);
        bool quiet = args.Flag("--quiet");
        using var timeout = Timeout(args, cancellation);
        await using var session = await JoinAsync(args, port: 0, quiet ? TextWriter.Null : output, timeout.Token);
        var node = session.Node;
        int peers = 0;
        var result = await node.FindPeersAsync(infoHash,
            peer =>
            {
                peers++;
                output.WriteLine(quiet ? $"{peer}" : $"peer {peer}");
            },
            step =>
            {
                if (!quiet)
                    output.WriteLine(step.Reply is { } reply
                        ? $"hop {step.Hop}  {step.Queried.EndPoint}  {reply.Nodes.Count} nodes, {reply.Peers.Count} peers"
                        : $"hop {step.Hop}  {step.Queried.EndPoint}  no answer");
            },
            timeout.Token);
        if (!quiet)
            output.WriteLine($"{peers} peers; asked {result.Queried} nodes over {result.Hops} hops; {result.Closest.Count} closest nodes answered");
        return 0;
    }

    private static async Task<int> RunNodeAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "dht node takes options only (see metorrent dht --help)");
        int port = args.IntOption(6881, 0, 65535, "--port");
        var interval = TimeSpan.FromSeconds(args.IntOption(10, 1, 86400, "--interval"));
        var announce = args.Options("--announce").Select(ParseInfoHash).ToList();
        await using var session = await JoinAsync(args, port, output, cancellation);
        var node = session.Node;
        int peerPort = args.IntOption(node.LocalEndPoint.Port, 1, 65535, "--peer-port");
        output.WriteLine($"DHT node {node.Id} listening on udp {node.LocalEndPoint}");
        output.Flush();
        var nextAnnounce = DateTime.UtcNow;
        while (true)
        {
            if (announce.Count > 0 && DateTime.UtcNow >= nextAnnounce)
            {
                nextAnnounce = DateTime.UtcNow + AnnounceInterval;
                foreach (var infoHash in announce)
                    output.WriteLine($"announced {infoHash} port {peerPort} to {await node.AnnounceAsync(infoHash, peerPort, cancellation)} nodes");
            }
            output.WriteLine($"table: {node.TableSize} nodes ({node.GoodNodes} good); {node.Statistics}");
            output.Flush();
            await Task.Delay(interval, cancellation); // Ctrl-C ends here: the nodes are saved, exit 130
        }
    }

    /// <summary>Starts a node with the saved id, then joins through the saved nodes and the bootstrap option.</summary>
    private static async Task<DhtSession> JoinAsync(CommandLine args, int port, TextWriter log, CancellationToken ct)
    {
        string savedPath = args.Option("--dht-nodes") ?? SavedNodes.DefaultPath;
        bool mustJoin = args.Positionals[0] != "node";
        var bootstrap = await DhtBootstrapOption.ResolveAsync(args.Options(DhtBootstrapOption.Name), ct);
        if (mustJoin && bootstrap.Count == 0 && !File.Exists(savedPath))
            throw new UserError($"no DHT node to start from: give {DhtBootstrapOption.Name} host:port (or {DhtBootstrapOption.Name} public)");
        var session = await DhtSession.JoinAsync(bootstrap, savedPath, new DhtNodeOptions { Address = Address(args), Port = port }, log.WriteLine, ct);
        if (mustJoin && session.JoinedWith == 0)
        {
            await session.DisposeAsync();
            throw new UserError($"no DHT node answered: check {DhtBootstrapOption.Name}");
        }
        return session;
    }

    private static NodeId ParseInfoHash(string text)
    {
        if (NodeId.TryParseHex(text, out var id))
            return id;
        if (MagnetLink.LooksLikeMagnet(text))
            return new NodeId(MagnetInput.Parse(text).InfoHash.Bytes);
        if (File.Exists(text))
            return new NodeId(InputFiles.ReadTorrent(text).InfoHash.Bytes);
        throw new UserError($"\"{text}\" is not an info hash (40 hex digits), a magnet link or a .torrent file");
    }

    private static IPAddress Address(CommandLine args)
    {
        string text = args.Option("--address") ?? "0.0.0.0";
        return IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork
            ? address
            : throw new UserError($"--address must be an IPv4 address (IPv6, BEP 32, is not supported yet), not \"{text}\"");
    }

    private static CancellationTokenSource Timeout(CommandLine args, CancellationToken cancellation)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(args.IntOption(30, 1, 3600, "--timeout")));
        return timeout;
    }
}
