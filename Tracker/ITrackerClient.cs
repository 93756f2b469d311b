namespace MeTorrent.Tracker;

/// <summary>Something that answers announces: one HTTP or UDP tracker, or a <see cref="MultiTracker"/> of them.</summary>
public interface ITrackerClient
{
    /// <summary>Sends one announce and returns the tracker's answer.</summary>
    /// <exception cref="TrackerException">the tracker refused, was unreachable, timed out or answered garbage</exception>
    Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken ct);
}
