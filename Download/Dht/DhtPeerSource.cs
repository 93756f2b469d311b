using System.Net;
using System.Net.Sockets;
using MeTorrent.Download.Engine;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Dht;

/// <summary>
/// The DHT as a source of peers for one torrent, beside its trackers (BEP 5): get_peers lookups whose
/// peers go to <see cref="TorrentEngine.AddPeer"/>, every few minutes (sooner while we have few peers),
/// and, while we accept connections, an announce_peer with our listen port so that others find us.
/// A private torrent (BEP 27) never touches the DHT: its peers come from its trackers alone.
/// Uses only the engine's public surface.
/// </summary>
public sealed class DhtPeerSource : IAsyncDisposable
{
    private readonly DhtNode _node;
    private readonly TorrentEngine _engine;
    private readonly DhtPeerSourceOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _peersFound;
    private int _lookups;
    private int _announces;

    private DhtPeerSource(DhtNode node, TorrentEngine engine, DhtPeerSourceOptions options)
    {
        (_node, _engine, _options) = (node, engine, options);
        _loop = engine.Torrent.IsPrivate ? Task.CompletedTask : RunAsync(_stop.Token);
    }

    /// <summary>Starts feeding <paramref name="engine"/> from <paramref name="node"/> (nothing for a private torrent).</summary>
    public static DhtPeerSource Start(DhtNode node, TorrentEngine engine, DhtPeerSourceOptions? options = null) =>
        new(node, engine, options ?? new DhtPeerSourceOptions());

    /// <summary>Peers handed to the engine over all lookups (a peer found again counts again).</summary>
    public int PeersFound => Volatile.Read(ref _peersFound);

    /// <summary>Lookups done, announces included.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>Announces that at least one node accepted.</summary>
    public int Announces => Volatile.Read(ref _announces);

    private NodeId InfoHash => new(_engine.Torrent.InfoHash.Bytes);

    private async Task RunAsync(CancellationToken ct)
    {
        var nextAnnounce = DateTime.UtcNow;
        try
        {
            await _options.Joined.WaitAsync(ct);
            while (true)
            {
                try
                {
                    // Only when we accept connections: a peer that cannot dial us gains nothing from our address.
                    if (_engine.ListenEndPoint is { } listening && DateTime.UtcNow >= nextAnnounce)
                    {
                        await AnnounceAsync(listening.Port, ct);
                        nextAnnounce = DateTime.UtcNow + _options.AnnounceInterval;
                    }
                    else
                        await LookUpAsync(ct);
                }
                catch (Exception e) when (e is SocketException or DhtQueryException)
                {
                    _options.Log?.Invoke($"dht: {e.Message}");   // the DHT is one source among others: try again later
                }
                bool hungry = !_engine.IsComplete && _engine.Stats.ConnectedPeers < _options.FewPeers;
                await Task.Delay(hungry ? _options.HungryInterval : _options.Interval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested) { }
    }

    private async Task LookUpAsync(CancellationToken ct)
    {
        int before = PeersFound;
        await _node.FindPeersAsync(InfoHash, Add, null, ct);
        Interlocked.Increment(ref _lookups);
        _options.Log?.Invoke($"dht: {PeersFound - before} peers found ({_node.TableSize} nodes in the table)");
    }

    /// <summary>announce_peer to the closest nodes, after a get_peers lookup whose peers are used too.</summary>
    private async Task AnnounceAsync(int port, CancellationToken ct)
    {
        int before = PeersFound;
        int accepted = await _node.AnnounceAsync(InfoHash, port, ct, onPeer: Add);
        Interlocked.Increment(ref _lookups);
        if (accepted > 0)
            Interlocked.Increment(ref _announces);
        _options.Log?.Invoke($"dht: {PeersFound - before} peers found; announced port {port} to {accepted} nodes");
    }

    private void Add(IPEndPoint peer)
    {
        _engine.AddPeer(peer);
        Interlocked.Increment(ref _peersFound);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
