using System.Net;
using MeTorrent.Download.Cli;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Metadata;

/// <summary>
/// Fetches a magnet link's info dictionary from the swarm (BEP 9 over BEP 10): finds peers (x.pe, --peer,
/// the trackers in tr), connects to them, exchanges extension handshakes, asks those that offer ut_metadata
/// for 16 KiB pieces — several peers at once — and returns the torrent once the SHA-1 of the assembled
/// dictionary equals the info hash. <see cref="MetadataAssembly"/> decides what to ask and whom to blame;
/// this class only moves messages and peers. Lying, rejecting, silent and absurd peers are dropped with
/// a log line each; the fetch fails (MetadataException) only when no peer is left or time runs out.
/// </summary>
public sealed partial class MetadataFetcher
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly MagnetLink _magnet;
    private readonly MetadataFetchOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<IPEndPoint, MetadataPeer> _peers = [];   // connecting or connected
    private readonly HashSet<IPEndPoint> _known = [];                    // every address heard of: each is dialled once
    private readonly Queue<IPEndPoint> _toDial = new();
    private readonly HashSet<IPEndPoint> _dropped = [];
    private readonly List<Task> _peerTasks = [];
    private readonly List<string> _failures = [];                        // "peer: why", for the final error
    private readonly TaskCompletionSource<byte[]> _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MetadataAssembly? _assembly;
    private string? _trackerError;
    private bool _announced;

    private MetadataFetcher(MagnetLink magnet, MetadataFetchOptions options)
    {
        _magnet = magnet;
        _options = options;
    }

    /// <summary>The torrent of <paramref name="magnet"/>, with its metadata fetched from peers and checked.</summary>
    /// <exception cref="MetadataException">no peer, every peer failed, or <see cref="MetadataFetchOptions.Timeout"/> passed</exception>
    public static async Task<FetchedMetadata> FetchAsync(MagnetLink magnet, MetadataFetchOptions options, CancellationToken ct)
    {
        if (magnet.Trackers.Count == 0 && magnet.Peers.Count == 0 && options.Peers.Count == 0)
            throw new MetadataException("the magnet link names no tracker (tr) and no peer (x.pe): give peers with --peer ip:port");
        var fetcher = new MetadataFetcher(magnet, options);
        byte[] info = await fetcher.RunAsync(ct);
        try
        {
            var (torrent, file) = MetadataTorrent.Build(info, magnet);
            return new FetchedMetadata(torrent, file, fetcher.UsefulPeers());
        }
        catch (MetainfoException e)
        {
            throw new MetadataException($"the metadata matches the info hash but is not a valid torrent: {e.Message}");
        }
    }

    private async Task<byte[]> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        AddPeers(_magnet.Peers.Concat(_options.Peers));
        var announcing = _magnet.Trackers.Count > 0 ? AnnounceLoopAsync(stop.Token) : Task.CompletedTask;
        var deadline = DateTime.UtcNow + _options.Timeout;
        try
        {
            while (!_verified.Task.IsCompleted)
            {
                await TickAsync(stop.Token);
                if (NothingLeftToTry())
                    throw new MetadataException($"no peer could send the metadata: {Failures()}");
                if (DateTime.UtcNow > deadline)
                    throw new MetadataException($"no peer sent the metadata within {_options.Timeout.TotalSeconds:0} s: {Failures()}");
                await Task.WhenAny(_verified.Task, Task.Delay(TickInterval, stop.Token));
            }
            return await _verified.Task;
        }
        finally
        {
            stop.Cancel();
            Task[] tasks;
            lock (_gate)
                tasks = [.. _peerTasks, announcing];
            await Task.WhenAll(tasks).ContinueWith(_ => { }, TaskScheduler.Default); // each task reports its own errors
        }
    }

    /// <summary>Time-outs, new connections, and requests for peers that may now be asked.</summary>
    private async Task TickAsync(CancellationToken ct)
    {
        List<MetadataPeer> peers;
        lock (_gate)
        {
            foreach (var late in _assembly?.Expire(DateTime.UtcNow) ?? [])
                Drop(late, $"{late} did not answer a metadata request within {_options.RequestTimeout.TotalSeconds:0.#} s; dropped");
            ChooseAssembly();
            while (_peers.Count < _options.MaxConnections && _toDial.TryDequeue(out var endpoint))
            {
                var peer = new MetadataPeer(endpoint, CancellationTokenSource.CreateLinkedTokenSource(ct));
                _peers[endpoint] = peer;
                _peerTasks.Add(RunPeerAsync(peer));
            }
            peers = [.. _peers.Values];
        }
        foreach (var peer in peers)
            await TopUpAsync(peer);
    }

    private bool NothingLeftToTry()
    {
        lock (_gate)
            return _peers.Count == 0 && _toDial.Count == 0 && (_magnet.Trackers.Count == 0 || _announced && _known.Count > 0 && _trackerError is null);
    }

    private async Task AnnounceLoopAsync(CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(15) });
        using var trackers = new MultiTracker(_magnet.TrackerTiers, http);
        var key = (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // The size is unknown before the metadata: "left" says only that we are not a seed.
                var response = await trackers.AnnounceAsync(new AnnounceRequest(_magnet.InfoHash, _options.PeerId, _options.AnnouncePort)
                {
                    Left = 1,
                    Key = key,
                }, ct);
                _options.Log?.Invoke($"tracker {response.TrackerUrl}: {response.Peers.Count} peers");
                lock (_gate)
                    _trackerError = null;
                AddPeers(response.Peers);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && ErrorMessages.Describe(e) is { } why)
            {
                _options.Log?.Invoke($"tracker: {why}");
                lock (_gate)
                    _trackerError = why;
            }
            lock (_gate)
                _announced = true;
            try
            {
                await Task.Delay(_options.AnnounceInterval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void AddPeers(IEnumerable<IPEndPoint> endpoints)
    {
        lock (_gate)
            foreach (var endpoint in endpoints)
                if (_known.Add(endpoint))
                    _toDial.Enqueue(endpoint);
    }

    /// <summary>
    /// Picks the metadata size to assemble: the current one while some peer that announced it may still be
    /// asked, else the size most of the remaining peers announced (a liar's size is dropped with the liar).
    /// </summary>
    private void ChooseAssembly()
    {
        if (_assembly is { HasUsableSources: true })
            return;
        var group = _peers.Values
            .Where(p => p.ClaimedSize is not null && !_dropped.Contains(p.EndPoint) && !(_assembly?.Excluded.Contains(p.EndPoint) ?? false))
            .GroupBy(p => p.ClaimedSize!.Value)
            .OrderByDescending(g => g.Count())
            .FirstOrDefault();
        if (group is null || group.Key == _assembly?.Size)
            return;
        if (_assembly is not null)
            _options.Log?.Invoke($"no peer left for metadata of {_assembly.Size} bytes; trying the {group.Key} bytes that {group.Count()} peers announce");
        _assembly = new MetadataAssembly(_magnet.InfoHash, group.Key, _options.RequestTimeout);
        foreach (var peer in group)
            _assembly.AddSource(peer.EndPoint);
    }

    /// <summary>Closes a peer's connection for good, with a log line (caller holds the lock).</summary>
    private void Drop(IPEndPoint endpoint, string why)
    {
        _options.Log?.Invoke(why);
        _failures.Add(why);
        _dropped.Add(endpoint);
        if (_peers.TryGetValue(endpoint, out var peer))
            peer.Cancel.Cancel();
    }

    private string Failures()
    {
        lock (_gate)
        {
            var reasons = _failures.TakeLast(5).ToList();
            if (_trackerError is not null)
                reasons.Add("tracker: " + _trackerError);
            if (_known.Count == 0)
                reasons.Add("no peer found");
            return string.Join("; ", reasons);
        }
    }

    /// <summary>Every peer heard of, minus those caught lying: the download can start with them.</summary>
    private IReadOnlyList<IPEndPoint> UsefulPeers()
    {
        lock (_gate)
            return _known.Where(p => !_dropped.Contains(p)).ToList();
    }
}
