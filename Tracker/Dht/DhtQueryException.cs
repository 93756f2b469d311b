namespace MeTorrent.Tracker.Dht;

/// <summary>A query of ours failed: no answer after the retransmissions, a KRPC error, or an answer that broke the rules.</summary>
public sealed class DhtQueryException(string message) : Exception(message);
