using System.Security.Cryptography;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Talks to the torrent's trackers (BEP 12 tiers through <see cref="MultiTracker"/>): "started" at
/// first, then again at the interval the tracker asks for, "completed" once the download finishes, and
/// "stopped" when we leave. Every peer it hears of goes into the pool. A failing tracker is retried
/// with growing waits; the error is kept for the "no peers" message.
/// </summary>
internal sealed class TrackerAnnouncer : IDisposable
{
    private static readonly TimeSpan MinWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxFailureWait = TimeSpan.FromMinutes(5);

    private readonly SwarmContext _swarm;
    private readonly Func<int> _port;
    private readonly HttpClient _http = new();
    private readonly MultiTracker _tracker;
    private readonly uint _key = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile bool _completed;
    private bool _announcedCompleted;

    public TrackerAnnouncer(SwarmContext swarm, Func<int> port)
    {
        _swarm = swarm;
        _port = port;
        _tracker = new MultiTracker(swarm.Torrent.TrackerTiers, _http);
    }

    public string? LastError { get; private set; }

    public int Successes { get; private set; }

    /// <summary>The download finished: say so at once (it also makes us a seeder in the tracker's list).</summary>
    public void Completed()
    {
        _completed = true;
        try { _wake.Release(); } catch (SemaphoreFullException) { }
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
                _swarm.Pool.AddRange(response.Peers);
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
            try
            {
                await _wake.WaitAsync(wait, ct);
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
        _tracker.AnnounceAsync(new AnnounceRequest(_swarm.Torrent.InfoHash, _swarm.Options.PeerId, _port())
        {
            Uploaded = _swarm.Stats.BytesUploaded,
            Downloaded = _swarm.Stats.BytesVerified,
            Left = _swarm.State.BytesLeft,
            Event = announceEvent,
            Key = _key,
        }, ct);

    public void Dispose()
    {
        _tracker.Dispose();
        _http.Dispose();
        _wake.Dispose();
    }
}
