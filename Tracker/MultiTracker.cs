using System.Net.Sockets;

namespace MeTorrent.Tracker;

/// <summary>
/// The announce-list of a torrent (BEP 12): tiers of trackers tried in order. Within a tier the trackers
/// are shuffled once, at the start; the first one that answers is moved to the front of its tier, so the
/// next announce goes to it first. A tracker that fails — refused, unreachable, timed out, answered
/// garbage — never stops the others from being tried; only when all fail is there an error, and it
/// lists each tracker's failure.
/// </summary>
public sealed class MultiTracker : ITrackerClient, IDisposable
{
    private readonly List<List<string>> _tiers;
    private readonly Func<string, ITrackerClient> _createClient;
    private readonly Dictionary<string, ITrackerClient> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <param name="tiers">tracker URLs by tier (e.g. <c>Torrent.TrackerTiers</c>)</param>
    /// <param name="createClient">makes the client for one URL (throws <see cref="TrackerException"/> for an unusable one)</param>
    /// <param name="random">for the shuffle within tiers; a seeded one gives a repeatable order in tests</param>
    public MultiTracker(IReadOnlyList<IReadOnlyList<string>> tiers, Func<string, ITrackerClient> createClient, Random? random = null)
    {
        random ??= new Random();
        _createClient = createClient;
        _tiers = tiers
            .Select(tier => tier.Where(url => !string.IsNullOrWhiteSpace(url)).Distinct().ToArray())
            .Where(tier => tier.Length > 0)
            .Select(tier =>
            {
                random.Shuffle(tier); // BEP 12: "shuffled randomly" within each tier
                return tier.ToList();
            })
            .ToList();
    }

    /// <summary>HTTP and UDP trackers made by <see cref="TrackerClientFactory"/> with one shared HttpClient.</summary>
    public MultiTracker(IReadOnlyList<IReadOnlyList<string>> tiers, HttpClient http, TrackerOptions? options = null)
        : this(tiers, url => TrackerClientFactory.Create(url, http, options))
    {
    }

    /// <summary>The tiers in their current order: shuffled, with trackers that answered moved to the front.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tiers
    {
        get
        {
            lock (_lock)
                return _tiers.Select(tier => (IReadOnlyList<string>)tier.ToArray()).ToArray();
        }
    }

    public async Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken ct)
    {
        var failures = new List<TrackerException>();
        foreach (var (tierIndex, url) in InTryOrder())
        {
            try
            {
                var response = await ClientFor(url).AnnounceAsync(request, ct);
                MoveToFront(tierIndex, url);
                return response with { TrackerUrl = url };
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsTrackerFailure(e))
            {
                failures.Add(e as TrackerException ?? new TrackerException(url, e.Message, e));
            }
        }
        throw failures.Count switch
        {
            0 => new TrackerException("the torrent lists no trackers"),
            1 => failures[0],
            _ => new TrackerException($"all {failures.Count} trackers failed — "
                + string.Join("; ", failures.Select(f => $"{f.Tracker}: {f.Reason}"))),
        };
    }

    /// <summary>Failures that are the tracker's fault (anything else is a bug and propagates).</summary>
    private static bool IsTrackerFailure(Exception e) =>
        e is TrackerException or SocketException or IOException or HttpRequestException or TimeoutException or OperationCanceledException;

    /// <summary>A snapshot: every tracker once, tier by tier, in the current order.</summary>
    private List<(int Tier, string Url)> InTryOrder()
    {
        lock (_lock)
            return _tiers.SelectMany((tier, index) => tier.Select(url => (index, url))).ToList();
    }

    private ITrackerClient ClientFor(string url)
    {
        lock (_lock)
        {
            if (!_clients.TryGetValue(url, out var client))
                _clients[url] = client = _createClient(url);
            return client;
        }
    }

    /// <summary>BEP 12: a tracker that answered moves to the front of its tier.</summary>
    private void MoveToFront(int tierIndex, string url)
    {
        lock (_lock)
        {
            var tier = _tiers[tierIndex];
            if (tier.Remove(url))
                tier.Insert(0, url);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients.Values)
                (client as IDisposable)?.Dispose();
            _clients.Clear();
        }
    }
}
