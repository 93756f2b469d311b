namespace MeTorrent.Tracker;

/// <summary>
/// Why an announce is sent (BEP 3): <see cref="Started"/> first, <see cref="Completed"/> once when the
/// download finishes, <see cref="Stopped"/> when leaving the swarm, <see cref="None"/> for the regular
/// re-announce every interval.
/// </summary>
public enum AnnounceEvent
{
    None,
    Started,
    Completed,
    Stopped,
}
