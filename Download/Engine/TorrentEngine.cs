using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Download.Choking;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Downloads (and serves) one torrent. <see cref="StartAsync"/> checks what is already on disk, then
/// runs in the background: one task per connected peer, a tracker announcer, an optional listener, and a
/// once-per-200-ms housekeeping loop that dials new peers, drops stalled ones and rechokes (BEP 3). Await
/// <see cref="Completion"/> for the end of the download; <see cref="DisposeAsync"/> stops everything
/// cleanly (verified pieces kept, files flushed, "stopped" announced).
/// <code>
/// await using var engine = await TorrentEngine.StartAsync(torrent, "out", new EngineOptions { Peers = [peer] }, ct);
/// await engine.Completion.WaitAsync(ct);
/// </code>
/// </summary>
public sealed partial class TorrentEngine : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    private readonly SwarmContext _swarm;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly PeerConnectionOptions _connectionOptions;
    private readonly IncomingConnections? _incoming;
    private readonly TrackerAnnouncer? _announcer;
    private long _lastProgressTicks = Environment.TickCount64;
    private long _lastBytesDone = -1;
    private int _connecting;
    private int _disposed;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Choker<PeerSession> _choker;

    private TorrentEngine(Torrent torrent, TorrentStorage storage, Bitfield have, EngineOptions options, IncomingConnections? incoming)
    {
        var state = new DownloadState(torrent, have, options.MaxInFlightBytes);
        _swarm = new SwarmContext(torrent, storage, state, options, new PeerPool(options.RetryDelay));
        _swarm.Stats.TotalBytes = torrent.TotalLength;
        _swarm.Stats.BytesAlreadyHad = torrent.TotalLength - state.BytesLeft;
        _swarm.Verifier = new PieceVerifier(_swarm, Environment.ProcessorCount, OnComplete, OnFatal, Wake);
        _swarm.Pool.AddRange(options.Peers);
        _swarm.Pool.Added = Wake;
        _swarm.RechokeSoon = RechokeSoon;
        _swarm.ListenPort = () => ListenEndPoint?.Port;
        _choker = new Choker<PeerSession>(new ChokerSettings { RegularSlots = options.UploadSlots }, new Random());
        _incoming = incoming;
        _connectionOptions = new PeerConnectionOptions
        {
            PieceCount = torrent.PieceCount,
            ConnectTimeout = options.ConnectTimeout,
            ReadTimeout = options.ReadTimeout,
        };
        if (options.UseTrackers && torrent.TrackerTiers.Count > 0)
            _announcer = new TrackerAnnouncer(_swarm, () => ListenEndPoint?.Port ?? 6881);
    }

    public Torrent Torrent => _swarm.Torrent;

    public EngineStats Stats => _swarm.Stats;

    public EngineOptions Options => _swarm.Options;

    /// <summary>Where we accept peers, when listening (the real port when 0 was asked for).</summary>
    public IPEndPoint? ListenEndPoint => _incoming?.EndPoint;

    public bool IsComplete => _swarm.State.IsComplete;

    /// <summary>Pieces on disk and verified so far.</summary>
    public int PiecesHave => _swarm.State.HaveCount;

    /// <summary>The buffers of the pieces in flight: how many were made (the memory bound) and whether all came back.</summary>
    public PieceBufferCounts PieceBuffers => _swarm.State.PieceBuffers;

    /// <summary>Peers we know of (from trackers, --peer and incoming connections).</summary>
    public int KnownPeers => _swarm.Pool.Count;

    /// <summary>Peers banned for sending data that failed the hash check.</summary>
    public IReadOnlyList<IPEndPoint> BannedPeers => _swarm.Pool.Banned();

    /// <summary>The last tracker failure, if the trackers are failing.</summary>
    public string? TrackerError => _announcer?.LastError;

    /// <summary>Completes when every piece is verified on disk; fails with <see cref="EngineException"/> when the download cannot finish.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Opens the files (refusing unsafe paths before writing anything), checks the data already there, and starts.</summary>
    /// <exception cref="MetainfoException">a file path would leave the output folder</exception>
    /// <exception cref="EngineException">there is no way to find peers</exception>
    public static async Task<TorrentEngine> StartAsync(Torrent torrent, string outputPath, EngineOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EngineOptions();
        bool noPeerSource = options.Peers.Count == 0 && options.ListenPort is null && (!options.UseTrackers || torrent.TrackerTiers.Count == 0);
        const string NoPeers = "the torrent names no tracker and no peer was given (add --peer ip:port)";
        if (noPeerSource && !AllFilesExist(torrent, outputPath))
            throw new EngineException(NoPeers);   // before creating any file
        var storage = TorrentStorage.Open(torrent, outputPath);
        IncomingConnections? incoming = null;
        Bitfield have;
        try
        {
            have = await Task.Run(() => ExistingDataCheck.Run(storage, ct), ct);
            storage.TruncateToTorrentLengths();   // after the check: what it found stays, only a longer file's tail goes
            if (!have.IsComplete && noPeerSource)
                throw new EngineException(NoPeers);
            if (options.ListenPort is int port)
                incoming = new IncomingConnections(options.ListenAddress, port);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
        var engine = new TorrentEngine(torrent, storage, have, options, incoming);
        engine.Start();
        return engine;
    }

    private static bool AllFilesExist(Torrent torrent, string outputPath)
    {
        var layout = StorageLayout.Resolve(torrent, outputPath);
        return torrent.Files.Where(f => !f.IsPadding).All(f => File.Exists(layout.Paths[layout.IndexOf(f)]));
    }

    /// <summary>Dial this peer too (like --peer, at any time).</summary>
    public void AddPeer(IPEndPoint endPoint) => _swarm.Pool.Add(endPoint);

    private void Start()
    {
        if (_swarm.State.IsComplete)
            _completion.TrySetResult();
        var token = _stop.Token;
        Track(() => MaintainAsync(token));
        if (_announcer is { } announcer)
        {
            if (_swarm.State.IsComplete) announcer.Completed();
            Track(() => announcer.RunAsync(token));
        }
        if (_incoming is { } incoming)
            Track(() => incoming.RunAsync(Torrent.InfoHash, _swarm.Options.PeerId, _connectionOptions,
                connection => Track(() => AcceptAsync(connection, token)), Log, token));
    }

    private void OnComplete()
    {
        if (_completion.TrySetResult())
        {
            _announcer?.Completed();
            Log($"download complete: {Torrent.PieceCount} pieces verified");
        }
    }

    private void OnFatal(Exception e) =>
        _completion.TrySetException(new EngineException($"cannot write the download: {e.Message}", e));

    private void Log(string line) => _swarm.Options.Log?.Invoke(line);

    /// <summary>Stops cleanly: connections closed, pieces already received in full verified and kept, files flushed and closed, trackers told.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stop.Cancel();
        foreach (var session in _swarm.Sessions.Keys)
            session.Stop("shutting down");
        _incoming?.Dispose();
        await WaitForTasksAsync(TimeSpan.FromSeconds(10));
        await _swarm.Verifier.DrainAsync();
        _swarm.State.ReleaseBuffers();
        if (_announcer is { } announcer)
        {
            await announcer.AnnounceStoppedAsync();
            announcer.Dispose();
        }
        try
        {
            _swarm.Storage.Flush();
        }
        finally
        {
            _swarm.Storage.Dispose();
            _completion.TrySetCanceled();
            _stop.Dispose();
        }
    }
}
