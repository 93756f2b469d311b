namespace MeTorrent.Tracker;

/// <summary>
/// A tracker could not give us peers: it refused (its "failure reason"), was unreachable, timed out,
/// or answered something that is not a valid announce response. The message names the tracker and
/// says what went wrong in one line, fit for a user.
/// </summary>
public sealed class TrackerException : Exception
{
    /// <summary>A failure of one tracker.</summary>
    public TrackerException(string tracker, string reason, Exception? inner = null)
        : base($"tracker {tracker}: {reason}", inner)
    {
        Tracker = tracker;
        Reason = reason;
    }

    /// <summary>A failure that is not one tracker's (e.g. every tracker of a torrent failed).</summary>
    public TrackerException(string message) : base(message)
    {
        Reason = message;
    }

    /// <summary>The announce URL that failed, or null when the failure concerns several.</summary>
    public string? Tracker { get; }

    /// <summary>What went wrong, without the tracker's name (the tracker's own words for a refusal).</summary>
    public string Reason { get; }

    /// <summary>True when the tracker itself answered with a "failure reason" (as opposed to a network or format problem).</summary>
    public bool IsRefusal { get; init; }
}
