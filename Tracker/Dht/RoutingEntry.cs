namespace MeTorrent.Tracker.Dht;

public enum NodeState { Good, Questionable, Bad }

/// <summary>
/// A node in our routing table and what we know of its health. BEP 5: a node is good if it answered one
/// of our queries within the last 15 minutes, or has ever answered one and sent us a query within the
/// last 15 minutes; after 15 minutes of silence it is questionable; once it fails to answer several
/// queries in a row (<see cref="RoutingTable.FailuresBeforeBad"/>) it is bad and the first to be replaced.
/// </summary>
public sealed class RoutingEntry(NodeContact contact, DateTimeOffset firstResponse)
{
    public static readonly TimeSpan GoodFor = TimeSpan.FromMinutes(15);

    public NodeContact Contact { get; internal set; } = contact;
    public DateTimeOffset LastResponse { get; internal set; } = firstResponse;
    public DateTimeOffset LastQueryFromIt { get; internal set; } = DateTimeOffset.MinValue;
    public int FailedQueries { get; internal set; }

    /// <summary>When we last heard from the node in any way (for "least recently seen").</summary>
    public DateTimeOffset LastSeen => LastResponse > LastQueryFromIt ? LastResponse : LastQueryFromIt;

    // LESSON 10-dht.node-states: bad after FailuresBeforeBad failures in a row; good if it answered, or queried us, within GoodFor; else questionable.
    public NodeState StateAt(DateTimeOffset now)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 2 (node states): BEP 5: a node is good if it answered us in the last 15 minutes, or queried us in the last 15 minutes (having answered before); questionable after 15 minutes of silence; bad once it failed to answer several queries in a row. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        if (FailedQueries >= RoutingTable.FailuresBeforeBad)
            return NodeState.Bad;
        if (now - LastResponse < GoodFor || now - LastQueryFromIt < GoodFor)
            return NodeState.Good;
        return NodeState.Questionable;
        // END SOLUTION
    }
}
