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

    public NodeState StateAt(DateTimeOffset now) =>
        FailedQueries >= RoutingTable.FailuresBeforeBad ? NodeState.Bad
        : now - LastResponse < GoodFor || now - LastQueryFromIt < GoodFor ? NodeState.Good
        : NodeState.Questionable;
}
