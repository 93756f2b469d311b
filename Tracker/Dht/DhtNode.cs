using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// A mainline DHT node (BEP 5): answers ping, find_node, get_peers and announce_peer from others, and
/// asks them itself to find peers for an info hash and to announce that we have it. Start it with
/// <see cref="Start"/>, give it a few nodes with <see cref="BootstrapAsync"/>, then use
/// <see cref="GetPeersAsync(NodeId, CancellationToken)"/> and <see cref="AnnounceAsync"/>.
/// It only ever sends to addresses it was given or that other nodes handed it.
/// </summary>
public sealed class DhtNode : IAsyncDisposable
{
    private const int MaxReplacementPings = 8;
    private const int MaxVerificationPings = 16;

    private readonly DhtNodeOptions _options;
    private readonly RoutingTable _table;
    private readonly KrpcSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _maintenance;
    private int _replacementPings;
    private int _verificationPings;

    private DhtNode(DhtNodeOptions options)
    {
        _options = options;
        Id = options.Id ?? NodeId.Random();
        _table = new RoutingTable(Id, options.Time);
        var responder = new QueryResponder(_table, new PeerStore(options.Limits, options.Time), new TokenIssuer(options.Time), options.Limits, Verify);
        _socket = new KrpcSocket(new IPEndPoint(options.Address, options.Port), options, responder.Answer);
        _maintenance = MaintainAsync(_stop.Token);
    }

    /// <summary>Binds the UDP socket and starts answering queries.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">the port is taken</exception>
    public static DhtNode Start(DhtNodeOptions options) => new(options);

    public NodeId Id { get; }

    public IPEndPoint LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>Nodes in the routing table (good and questionable, and bad ones not yet replaced).</summary>
    public int TableSize => _table.Count;

    public int GoodNodes => _table.CountIn(NodeState.Good);

    public DhtStatistics Statistics => _socket.Statistics;

    /// <summary>The nodes of the routing table (to save them for the next run).</summary>
    public IReadOnlyList<NodeContact> KnownNodes => _table.All();

    /// <summary>Pings a node; it joins our routing table if it answers. Returns its id.</summary>
    /// <exception cref="DhtQueryException">no answer, or a malformed one</exception>
    public async Task<NodeId> PingAsync(IPEndPoint node, CancellationToken ct)
    {
        var answer = await AskAsync(node, null, DhtQueries.Ping, DhtQueries.PingArguments(Id), ct);
        return DhtFields.Id(answer.Body);
    }

    /// <summary>
    /// Joins the DHT through the given nodes (named by the user, or saved at the last run): pings each,
    /// then looks up our own id, which fills the buckets near us. Returns the routing table's size.
    /// </summary>
    public async Task<int> BootstrapAsync(IEnumerable<IPEndPoint> nodes, CancellationToken ct)
    {
        await Task.WhenAll(nodes.Distinct().Select(async node =>
        {
            try { await PingAsync(node, ct); }
            catch (DhtQueryException) { } // that one is gone; the others may answer
        }));
        if (_table.Count > 0)
            await FindNodeAsync(Id, null, ct);
        return _table.Count;
    }

    /// <summary>An iterative find_node lookup for <paramref name="target"/>: the K closest nodes that answered.</summary>
    public Task<LookupResult> FindNodeAsync(NodeId target, Action<LookupStep>? onStep, CancellationToken ct) =>
        new Lookup(target, (node, token) => AskForNodesAsync(node, DhtQueries.FindNode, DhtQueries.FindNodeArguments(Id, target), token), _options.Limits)
            .RunAsync(_table.Closest(target), onStep, ct);

    /// <summary>
    /// An iterative get_peers lookup: reports each new peer as it arrives and each queried node as a step;
    /// ends with the K closest nodes and their tokens (what <see cref="AnnounceAsync"/> needs).
    /// At most <see cref="DhtLimits.MaxPeersPerLookup"/> peers are reported.
    /// </summary>
    public Task<LookupResult> FindPeersAsync(NodeId infoHash, Action<IPEndPoint> onPeer, Action<LookupStep>? onStep, CancellationToken ct)
    {
        var seen = new HashSet<IPEndPoint>();
        return new Lookup(infoHash, (node, token) => AskForNodesAsync(node, DhtQueries.GetPeers, DhtQueries.GetPeersArguments(Id, infoHash), token), _options.Limits)
            .RunAsync(_table.Closest(infoHash), step =>
            {
                foreach (var peer in step.Reply?.Peers ?? [])
                    if (seen.Count < _options.Limits.MaxPeersPerLookup && seen.Add(peer))
                        onPeer(peer);
                onStep?.Invoke(step);
            }, ct);
    }

    /// <summary>The peers the DHT knows for an info hash, as they arrive; the stream ends with the lookup.</summary>
    public async IAsyncEnumerable<IPEndPoint> GetPeersAsync(NodeId infoHash, [EnumeratorCancellation] CancellationToken ct)
    {
        var peers = Channel.CreateUnbounded<IPEndPoint>(); // bounded by MaxPeersPerLookup
        var lookup = Task.Run(async () =>
        {
            try { await FindPeersAsync(infoHash, peer => peers.Writer.TryWrite(peer), null, ct); }
            finally { peers.Writer.TryComplete(); }
        }, ct);
        await foreach (var peer in peers.Reader.ReadAllAsync(ct))
            yield return peer;
        await lookup;
    }

    /// <summary>
    /// Tells the DHT that we are a peer of <paramref name="infoHash"/> on TCP <paramref name="port"/>:
    /// a get_peers lookup, then announce_peer with each closest node's token. Returns how many accepted.
    /// </summary>
    /// <param name="impliedPort">ask the nodes to use the UDP source port instead (BEP 5 implied_port)</param>
    /// <param name="onPeer">receives the peers the get_peers lookup finds on the way (one lookup serves both)</param>
    public async Task<int> AnnounceAsync(NodeId infoHash, int port, CancellationToken ct, bool impliedPort = false, Action<IPEndPoint>? onPeer = null)
    {
        var lookup = await FindPeersAsync(infoHash, onPeer ?? (_ => { }), null, ct);
        var accepted = await Task.WhenAll(lookup.Closest.Where(c => c.Token is not null).Select(async closest =>
        {
            try
            {
                await AskAsync(closest.Node.EndPoint, closest.Node.Id, DhtQueries.AnnouncePeer,
                    DhtQueries.AnnouncePeerArguments(Id, infoHash, port, closest.Token!.Value, impliedPort), ct);
                return 1;
            }
            catch (DhtQueryException)
            {
                return 0;
            }
        }));
        return accepted.Sum();
    }

    /// <summary>One query for a lookup: the responder's id, the usable nodes it named, and peers and token if any.</summary>
    private async Task<LookupReply?> AskForNodesAsync(NodeContact node, string method, BDictionary arguments, CancellationToken ct)
    {
        KrpcMessage answer;
        try
        {
            answer = await AskAsync(node.EndPoint, node.Id, method, arguments, ct, checkId: false);
        }
        catch (DhtQueryException)
        {
            return null;
        }
        var responder = DhtFields.Id(answer.Body); // checked by AskAsync
        if (responder != node.Id)
        {
            // Whoever named this node lied (or it restarted): the lookup drops it and asks the real one.
            _socket.Statistics.CountLiar();
            return new LookupReply(responder, [], [], null);
        }
        try
        {
            var nodes = DhtFields.Nodes(answer.Body, out int dropped);
            var peers = DhtFields.Values(answer.Body).Where(NodeContact.IsUsable).ToList();
            if (dropped > 0)
                throw new FormatException($"{dropped} nodes with impossible addresses");
            return new LookupReply(node.Id, nodes.Where(n => n.Id != Id).ToList(), peers, DhtFields.Token(answer.Body));
        }
        catch (FormatException)
        {
            Distrust(node);
            return null;
        }
    }

    /// <summary>
    /// Sends one query and checks the answer's id: 20 bytes, and the id we expected if we knew one.
    /// A node that answers goes into the routing table; one that lies goes out of it; one that is
    /// silent gets a failure mark (bad after two).
    /// </summary>
    /// <param name="checkId">false: the caller compares the ids itself (a lookup)</param>
    private async Task<KrpcMessage> AskAsync(IPEndPoint to, NodeId? expected, string method, BDictionary arguments, CancellationToken ct,
        bool checkId = true)
    {
        KrpcMessage answer;
        try
        {
            answer = await _socket.QueryAsync(to, method, arguments, ct);
        }
        catch (DhtQueryException)
        {
            if (expected is { } id)
                _table.RecordFailure(new NodeContact(id, to));
            throw;
        }
        NodeId responder;
        try
        {
            responder = DhtFields.Id(answer.Body);
        }
        catch (FormatException e)
        {
            if (expected is { } id)
                Distrust(new NodeContact(id, to));
            throw new DhtQueryException($"{to} answered {method} without a valid id: {e.Message}");
        }
        if (checkId && expected is { } known && known != responder)
        {
            Distrust(new NodeContact(known, to));
            throw new DhtQueryException($"{to} answered with id {responder}, not {known}");
        }
        Admit(new NodeContact(responder, to));
        return answer;
    }

    private void Distrust(NodeContact node)
    {
        _socket.Statistics.CountLiar();
        _table.Remove(node);
    }

    /// <summary>A node answered: into the table; when its bucket is full, ping the stalest to make room.</summary>
    private void Admit(NodeContact node)
    {
        if (_table.AddResponder(node, out var toPing) != AddOutcome.BucketFull || toPing is null)
            return;
        if (Interlocked.Increment(ref _replacementPings) > MaxReplacementPings)
        {
            Interlocked.Decrement(ref _replacementPings);
            return;
        }
        _ = ReplaceIfSilentAsync(toPing, node);
    }

    /// <summary>
    /// A node we do not know queried us: ping it back, and it joins the table if it answers (one ping per
    /// query at most, a few at a time: a flood of forged queries gains nothing).
    /// </summary>
    private void Verify(NodeContact sender)
    {
        if (Interlocked.Increment(ref _verificationPings) > MaxVerificationPings)
        {
            Interlocked.Decrement(ref _verificationPings);
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await AskAsync(sender.EndPoint, sender.Id, DhtQueries.Ping, DhtQueries.PingArguments(Id), _stop.Token);
            }
            catch (DhtQueryException) { }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
            finally
            {
                Interlocked.Decrement(ref _verificationPings);
            }
        });
    }

    private async Task ReplaceIfSilentAsync(NodeContact stale, NodeContact newcomer)
    {
        try
        {
            for (int i = 0; i < RoutingTable.FailuresBeforeBad; i++)
            {
                try
                {
                    await AskAsync(stale.EndPoint, stale.Id, DhtQueries.Ping, DhtQueries.PingArguments(Id), _stop.Token);
                    return; // it answered: it stays good, the newcomer waits for another vacancy
                }
                catch (DhtQueryException) { }
            }
            _table.AddResponder(newcomer, out _); // the stale node is bad now: the newcomer takes its place
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            Interlocked.Decrement(ref _replacementPings);
        }
    }

    /// <summary>Every maintenance interval: a find_node into each bucket unchanged for 15 minutes (BEP 5).</summary>
    private async Task MaintainAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.MaintenanceInterval, _options.Time, ct);
                if (_table.Count == 0)
                    continue;
                foreach (var target in _table.TakeRefreshTargets())
                    await FindNodeAsync(target, null, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _maintenance;
        await _socket.DisposeAsync();
        _stop.Dispose();
    }
}
