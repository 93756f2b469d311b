using System.Net;
using System.Threading.Channels;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Downloads (and serves) one torrent. <see cref="StartAsync"/> checks what is already on disk, then runs
/// in the background around one owner: a <see cref="TorrentLoop"/> fed by a channel of events (messages
/// from each connection's reader, hash results, tracker peers, a clock), which alone decides what every
/// connection's writer sends. Await <see cref="Completion"/> for the end of the download;
/// <see cref="DisposeAsync"/> stops everything cleanly (verified pieces kept, files flushed, "stopped" announced).
/// <code>
/// await using var engine = await TorrentEngine.StartAsync(torrent, "out", new EngineOptions { Peers = [peer] }, ct);
/// await engine.Completion.WaitAsync(ct);
/// </code>
/// </summary>
public sealed partial class TorrentEngine : IAsyncDisposable
{
    /// <summary>Events waiting for the loop: when it falls behind, readers wait (TCP then slows the peers down).</summary>
    private const int EventQueueLength = 512;

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(TorrentLoop.TickMs);

    private readonly Torrent _torrent;
    private readonly EngineOptions _options;
    private readonly TorrentStorage _storage;
    private readonly TorrentLoop _loop;
    private readonly PieceVerifier _verifier;
    private readonly Channel<EngineEvent> _events = Channel.CreateBounded<EngineEvent>(
        new BoundedChannelOptions(EventQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _loopFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskTracker _tasks = new();
    private readonly BlockPool _blocks = new();
    private readonly PeerConnectionOptions _connectionOptions;
    private readonly PeerConnectionOptions _encryptedDialOptions;
    private readonly IncomingConnections? _incoming;
    private readonly TrackerAnnouncer? _announcer;
    private Task _loopTask = Task.CompletedTask;
    private int _disposed;

    private TorrentEngine(Torrent torrent, TorrentStorage storage, Bitfield have, EngineOptions options, IncomingConnections? incoming)
    {
        _torrent = torrent;
        _options = options;
        _storage = storage;
        _incoming = incoming;
        var state = new DownloadState(torrent, have, options.MaxInFlightBytes, blocks: _blocks);
        Stats.TotalBytes = torrent.TotalLength;
        Stats.BytesAlreadyHad = torrent.TotalLength - state.BytesLeft;
        _loop = new TorrentLoop(torrent, state, options, new PeerPool(options.RetryDelay), Stats, new Effects(this))
        {
            ListenPort = incoming?.EndPoint.Port,
        };
        _verifier = new PieceVerifier(storage, Environment.ProcessorCount, async checkedPiece => await PostQuietlyAsync(checkedPiece));
        _connectionOptions = ConnectionOptions(torrent, options, _blocks, options.Encryption.Dial());
        // A peer that hung up on our plain handshake and took an encrypted one is dialled with MSE from then on.
        _encryptedDialOptions = _connectionOptions.DialEncryption == DialEncryption.PlainThenMse
            ? ConnectionOptions(torrent, options, _blocks, DialEncryption.Mse)
            : _connectionOptions;
        if (options.UseTrackers && torrent.TrackerTiers.Count > 0)
        {
            _announcer = new TrackerAnnouncer(torrent, options.PeerId, Stats, () => ListenEndPoint?.Port ?? 6881,
                peers => _events.Writer.WriteAsync(new PeersFound(peers), _stop.Token));
        }
        Publish();
    }

    /// <summary>How this torrent's connections open and run; <paramref name="dial"/>: how the ones we dial start.</summary>
    private static PeerConnectionOptions ConnectionOptions(Torrent torrent, EngineOptions options, BlockPool blocks, DialEncryption dial) => new()
    {
        PieceCount = torrent.PieceCount,
        ConnectTimeout = options.ConnectTimeout,
        ReadTimeout = options.ReadTimeout,
        MatchAnswers = false,   // the loop's ledger judges every piece and reject
        BlockBuffers = blocks,  // each block's payload is received straight into the array that joins its piece
        Trace = options.Trace,
        // Peers that dial with MSE first (aria2, libtorrent) get in at once, unless encryption is off.
        AnswerEncryptedFor = options.Encryption == EncryptionMode.Off ? [] : [torrent.InfoHash],
        RequireEncryption = options.Encryption == EncryptionMode.Require,
        DialEncryption = dial,
        Features = PeerFeatures.Extensions | PeerFeatures.Fast | (options.DhtPort is null ? PeerFeatures.None : PeerFeatures.Dht),
    };

    public Torrent Torrent => _torrent;

    public EngineStats Stats { get; } = new();

    public EngineOptions Options => _options;

    /// <summary>Where we accept peers, when listening (the real port when 0 was asked for).</summary>
    public IPEndPoint? ListenEndPoint => _incoming?.EndPoint;

    public bool IsComplete => Volatile.Read(ref _published).Complete;

    /// <summary>Pieces on disk and verified so far.</summary>
    public int PiecesHave => Volatile.Read(ref _published).Have;

    /// <summary>The buffers of the pieces in flight: how many were made (the memory bound) and whether all came back.</summary>
    public PieceBufferCounts PieceBuffers => Volatile.Read(ref _published).Buffers;

    /// <summary>Peers we know of (from trackers, --peer, PEX and incoming connections).</summary>
    public int KnownPeers => Volatile.Read(ref _published).Known;

    /// <summary>Peers banned for sending data that failed the hash check.</summary>
    public IReadOnlyList<IPEndPoint> BannedPeers => Volatile.Read(ref _published).Banned;

    /// <summary>The last tracker failure, if the trackers are failing.</summary>
    public string? TrackerError => _announcer?.LastError;

    /// <summary>Completes when every piece is verified on disk; fails with <see cref="EngineException"/> when the download cannot finish.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Fails with <see cref="EngineException"/> when the torrent's loop stops on an error of its own (a bug, or a
    /// lesson step not written yet), at any time: also once <see cref="Completion"/> is done, while seeding, when
    /// nothing else would tell. Cancelled when the engine is disposed.
    /// </summary>
    public Task LoopFailure => _loopFailure.Task;

    /// <summary>Opens the files (refusing unsafe paths before writing anything), checks the data already there, and starts.</summary>
    /// <exception cref="MetainfoException">a file path would leave the output folder</exception>
    /// <exception cref="EngineException">there is no way to find peers</exception>
    public static async Task<TorrentEngine> StartAsync(Torrent torrent, string outputPath, EngineOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EngineOptions();
        bool noPeerSource = options.Peers.Count == 0 && options.ListenPort is null && (!options.UseTrackers || torrent.TrackerTiers.Count == 0);
        const string NoPeers = "the torrent names no tracker and no peer was given (add --peer ip:port, or join the DHT with --dht-bootstrap host:port)";
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

    /// <summary>A picture of every piece and peer, taken by the loop between two events (for the live piece map).</summary>
    public async Task<SwarmView> ViewAsync(CancellationToken ct)
    {
        var answer = new TaskCompletionSource<SwarmView>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _events.Writer.WriteAsync(new ViewRequested(answer), ct);
        return await answer.Task.WaitAsync(ct);
    }

    /// <summary>Dial this peer too (like --peer, at any time, from any thread).</summary>
    public void AddPeer(IPEndPoint endPoint) => _events.Writer.TryWrite(new PeersFound([endPoint]));

    private void Start()
    {
        var token = _stop.Token;
        if (IsComplete)
            _completion.TrySetResult();
        _events.Writer.TryWrite(new PeersFound(_options.Peers));   // --peer: dialled as soon as the loop runs
        _loopTask = Task.Run(RunLoopAsync);
        _tasks.Run(() => ClockAsync(token));
        if (_announcer is { } announcer)
        {
            if (IsComplete) announcer.Completed();
            _tasks.Run(() => announcer.RunAsync(token));
        }
        if (_incoming is { } incoming)
            _tasks.Run(() => incoming.RunAsync(_torrent.InfoHash, _options.PeerId, _connectionOptions,
                connection =>
                {
                    if (connection.EncryptedHandshake)
                        Log($"{connection.RemoteEndPoint}: encrypted handshake (MSE) answered, {connection.EncryptionMethod}");
                    _tasks.Run(() => JoinAsync(connection, dialled: null, token));
                }, Log, token));
    }

    private void Log(string line) => _options.Log?.Invoke(line);

    /// <summary>Stops cleanly: connections closed, pieces already received in full verified and kept, files flushed and closed, trackers told.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stop.Cancel();   // the clock, the dialers, the listener, every reader and writer
        _incoming?.Dispose();
        await _tasks.WaitAsync(TimeSpan.FromSeconds(10));
        await _verifier.DrainAsync();   // its last results still reach the loop
        _events.Writer.TryComplete();
        await _loopTask;
        _loop.State.ReleaseBuffers();
        Publish();
        if (_announcer is { } announcer)
        {
            await announcer.AnnounceStoppedAsync();
            announcer.Dispose();
        }
        try
        {
            _storage.Flush();
        }
        finally
        {
            _storage.Dispose();
            _completion.TrySetCanceled();
            _loopFailure.TrySetCanceled();
            _stop.Dispose();
        }
    }
}
