using System.Net;
using MeTorrent.Download.Dht;
using MeTorrent.Download.Engine;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Demo;

/// <summary>
/// The demo's DHT instead of a tracker (`demo --dht`): a few in-process nodes on 127.0.0.1 that know each
/// other, plus one node per seeder that announces it (BEP 5). A downloader joins through <see cref="Entry"/>
/// and finds the seeders with a get_peers lookup, as it would on the real DHT.
/// </summary>
public sealed class DemoDht : IAsyncDisposable
{
    private const int RouterNodes = 4;
    private readonly List<DhtNode> _nodes = [];
    private readonly List<DhtPeerSource> _sources = [];

    private DemoDht() { }

    /// <summary>Loopback only, and short timeouts: every node is in this process.</summary>
    public static DhtNodeOptions NodeOptions => new() { Address = IPAddress.Loopback, QueryTimeout = TimeSpan.FromMilliseconds(500) };

    /// <summary>Lookups every second while a peer has few peers: the demo takes seconds, not minutes.</summary>
    public static DhtPeerSourceOptions SourceOptions => new() { Interval = TimeSpan.FromSeconds(10), HungryInterval = TimeSpan.FromSeconds(1) };

    /// <summary>The node a newcomer bootstraps from.</summary>
    public IPEndPoint Entry => _nodes[0].LocalEndPoint;

    public int NodeCount => _nodes.Count;

    /// <summary>True once every seeder's announce was accepted by at least one node.</summary>
    public bool AllAnnounced => _sources.All(s => s.Announces > 0);

    public static async Task<DemoDht> StartAsync(CancellationToken ct)
    {
        var dht = new DemoDht();
        try
        {
            for (int i = 0; i < RouterNodes; i++)
                dht._nodes.Add(DhtNode.Start(NodeOptions));
            foreach (var node in dht._nodes.Skip(1))
                await node.BootstrapAsync([dht.Entry], ct);
            return dht;
        }
        catch
        {
            await dht.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gives <paramref name="seeder"/> a node of its own that announces it and feeds it peers.</summary>
    public async Task ServeAsync(TorrentEngine seeder, CancellationToken ct)
    {
        var node = DhtNode.Start(NodeOptions);
        _nodes.Add(node);
        await node.BootstrapAsync([Entry], ct);
        _sources.Add(DhtPeerSource.Start(node, seeder, SourceOptions));
    }

    /// <summary>A downloader's node, joined through <see cref="Entry"/> (nothing saved: the demo leaves no trace).</summary>
    public Task<DhtSession> JoinAsync(CancellationToken ct) => DhtSession.JoinAsync([Entry], null, NodeOptions, _ => { }, ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
            await source.DisposeAsync();
        foreach (var node in _nodes)
            await node.DisposeAsync();
    }
}
