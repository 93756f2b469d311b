using System.Security.Cryptography;
using System.Threading.Channels;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Talks to the torrent's trackers (BEP 12 tiers through <see cref="MultiTracker"/>): "started" at
/// first, then again at the interval the tracker asks for, "completed" once the download finishes, and
/// "stopped" when we leave. Every peer it hears of goes to the loop. A failing tracker is retried
/// with growing waits; the error is kept for the "no peers" message.
/// </summary>
internal sealed class TrackerAnnouncer : IDisposable
{
    private static readonly TimeSpan MinWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxFailureWait = TimeSpan.FromMinutes(5);

    private readonly Metainfo.Torrent _torrent;
    private readonly Metainfo.PeerId _peerId;
    private readonly EngineStats _stats;
    private readonly Func<int> _port;
    private readonly Func<IReadOnlyList<System.Net.IPEndPoint>, ValueTask> _found;
    private readonly HttpClient _http = new();
    private readonly MultiTracker _tracker;
    private readonly uint _key = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile bool _completed;
    private bool _announcedCompleted;

    /// <param name="found">hands the peers a tracker returned to the torrent's loop</param>
    public TrackerAnnouncer(Metainfo.Torrent torrent, Metainfo.PeerId peerId, EngineStats stats, Func<int> port,
        Func<IReadOnlyList<System.Net.IPEndPoint>, ValueTask> found)
    {
        _torrent = torrent;
        _peerId = peerId;
        _stats = stats;
        _port = port;
        _found = found;
        _tracker = new MultiTracker(torrent.TrackerTiers, _http);
    }

    public string? LastError { get; private set; }

    public int Successes { get; private set; }

    /// <summary>The download finished: say so at once (it also makes us a seeder in the tracker's list).</summary>
    public void Completed()
    {
        _completed = true;
        _wake.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var next = AnnounceEvent.Started;
        int failures = 0;
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (_completed && !_announcedCompleted && next != AnnounceEvent.Started)
                    next = AnnounceEvent.Completed;
                var response = await AnnounceAsync(next, ct);
                _announcedCompleted |= next == AnnounceEvent.Completed || (next == AnnounceEvent.Started && _completed);
                await _found(response.Peers);
                Successes++;
                LastError = null;
                failures = 0;
                next = AnnounceEvent.None;
                wait = response.Interval < MinWait ? MinWait : response.Interval;
            }
            catch (TrackerException e)
            {
                LastError = e.Message;
                wait = TimeSpan.FromTicks(Math.Min(MaxFailureWait.Ticks, MinWait.Ticks << Math.Min(failures++, 6)));
            }
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timer.CancelAfter(wait);
            try
            {
                await _wake.Reader.ReadAsync(timer.Token);   // "completed" wakes us early
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // time for the next announce
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The goodbye, bounded in time: leaving must not hang on a dead tracker.</summary>
    public async Task AnnounceStoppedAsync()
    {
        if (Successes == 0)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await AnnounceAsync(AnnounceEvent.Stopped, timeout.Token);
        }
        catch (Exception e) when (e is TrackerException or OperationCanceledException)
        {
        }
    }

    private Task<AnnounceResponse> AnnounceAsync(AnnounceEvent announceEvent, CancellationToken ct) =>
        _tracker.AnnounceAsync(new AnnounceRequest(_torrent.InfoHash, _peerId, _port())
        {
            Uploaded = _stats.BytesUploaded,
            Downloaded = _stats.BytesVerified,
            Left = _stats.TotalBytes - _stats.BytesDone,
            Event = announceEvent,
            Key = _key,
        }, ct);

    public void Dispose()
    {
        _tracker.Dispose();
        _http.Dispose();
    }
}
