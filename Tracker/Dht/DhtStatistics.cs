namespace MeTorrent.Tracker.Dht;

/// <summary>Running counts of what the node's socket saw; read them any time (for `dht node` and tests).</summary>
public sealed class DhtStatistics
{
    private long _received, _malformed, _unmatched, _queriesAnswered, _queriesSent, _timeouts, _errorsReceived, _liars;

    /// <summary>Datagrams read from the socket.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Datagrams that were not valid KRPC: dropped unanswered, counted here.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Responses with an unknown transaction id or from the wrong address: dropped.</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    public long QueriesAnswered => Interlocked.Read(ref _queriesAnswered);
    public long QueriesSent => Interlocked.Read(ref _queriesSent);

    /// <summary>Our queries that got no answer after every retransmission.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long ErrorsReceived => Interlocked.Read(ref _errorsReceived);

    /// <summary>Answers that broke the rules (bad ids, bad nodes, an id other than the one we knew): the node lost our trust.</summary>
    public long Liars => Interlocked.Read(ref _liars);

    internal void CountReceived() => Interlocked.Increment(ref _received);
    internal void CountMalformed() => Interlocked.Increment(ref _malformed);
    internal void CountUnmatched() => Interlocked.Increment(ref _unmatched);
    internal void CountQueryAnswered() => Interlocked.Increment(ref _queriesAnswered);
    internal void CountQuerySent() => Interlocked.Increment(ref _queriesSent);
    internal void CountTimeout() => Interlocked.Increment(ref _timeouts);
    internal void CountErrorReceived() => Interlocked.Increment(ref _errorsReceived);
    internal void CountLiar() => Interlocked.Increment(ref _liars);

    public override string ToString() =>
        $"received {Received}, malformed {Malformed}, unmatched {Unmatched}, answered {QueriesAnswered}, sent {QueriesSent}, timeouts {Timeouts}, liars {Liars}";
}
