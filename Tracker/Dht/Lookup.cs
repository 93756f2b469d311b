using System.Net;

namespace MeTorrent.Tracker.Dht;

/// <summary>What one queried node told a lookup: its id, closer nodes, and for get_peers peers and a token.</summary>
public sealed record LookupReply(NodeId ResponderId, IReadOnlyList<NodeContact> Nodes, IReadOnlyList<IPEndPoint> Peers, ReadOnlyMemory<byte>? Token);

/// <summary>One answered (or failed) query of a lookup, for progress output: "hop 3: 10.0.0.7 gave 8 nodes".</summary>
public sealed record LookupStep(int Hop, NodeContact Queried, LookupReply? Reply)
{
    public bool Answered => Reply is not null;
}

/// <summary>A node among the closest that answered, and the token it gave (for announce_peer).</summary>
public sealed record ClosestNode(NodeContact Node, ReadOnlyMemory<byte>? Token);

public sealed record LookupResult(IReadOnlyList<ClosestNode> Closest, int Queried, int Hops);

/// <summary>
/// The iterative lookup of Kademlia (BEP 5): keep the nodes seen so far ordered by distance to the
/// target; always have up to <see cref="Alpha"/> queries in flight to the closest ones not yet asked;
/// every answer brings nodes that are closer still. The lookup ends when the <see cref="RoutingTable.K"/>
/// closest nodes that did not fail have all answered: nobody can tell us of a closer one.
/// The network is a delegate (one query to one node), so the same code runs over UDP and over a
/// simulated network in memory. Candidates are bounded; a node that fails is dropped from them; a node
/// that answers with another id than the one we were told of does not count as that node (a liar may
/// name real addresses under made-up ids), but is offered again under the id it proved.
/// </summary>
public sealed class Lookup(NodeId target, Func<NodeContact, CancellationToken, Task<LookupReply?>> query, DhtLimits limits)
{
    public const int Alpha = 3;

    private enum State { Fresh, InFlight, Answered }

    private sealed class Candidate(NodeContact contact, int hop)
    {
        public NodeContact Contact { get; } = contact;
        public int Hop { get; } = hop;
        public State State { get; set; }
        public ReadOnlyMemory<byte>? Token { get; set; }
    }

    private readonly List<Candidate> _candidates = []; // sorted, closest first
    private readonly HashSet<NodeId> _seenIds = []; // every id offered once, even after it failed

    public NodeId Target => target;

    public async Task<LookupResult> RunAsync(IEnumerable<NodeContact> start, Action<LookupStep>? onStep, CancellationToken ct)
    {
        foreach (var contact in start)
            Offer(contact, hop: 1);
        var inFlight = new List<Task<(Candidate Asked, LookupReply? Reply)>>();
        int queried = 0;
        try
        {
            while (true)
            {
                while (inFlight.Count < Alpha && NextToAsk() is { } next)
                {
                    next.State = State.InFlight;
                    inFlight.Add(AskAsync(next, ct));
                    queried++;
                }
                if (inFlight.Count == 0)
                    break;
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                var (asked, reply) = await done;
                if (reply is null || reply.ResponderId != asked.Contact.Id)
                {
                    // Silent, or not the node we were told of: out of the running (its slot is freed).
                    _candidates.Remove(asked);
                    onStep?.Invoke(new LookupStep(asked.Hop, asked.Contact, null));
                    // Whoever does answer at that address is a node in its own right, under its real id.
                    if (reply is not null)
                        Offer(new NodeContact(reply.ResponderId, asked.Contact.EndPoint), asked.Hop);
                    continue;
                }
                asked.State = State.Answered;
                asked.Token = reply.Token;
                foreach (var node in reply.Nodes)
                    Offer(node, asked.Hop + 1);
                onStep?.Invoke(new LookupStep(asked.Hop, asked.Contact, reply));
            }
        }
        finally
        {
            // Cancelled mid-lookup: let the queries still in flight finish quietly.
            foreach (var task in inFlight)
                _ = task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        var closest = _candidates.Where(c => c.State == State.Answered).Take(RoutingTable.K).ToList();
        return new LookupResult(
            closest.Select(c => new ClosestNode(c.Contact, c.Token)).ToList(),
            queried,
            _candidates.Where(c => c.State == State.Answered).Select(c => c.Hop).DefaultIfEmpty(0).Max());
    }

    private async Task<(Candidate, LookupReply?)> AskAsync(Candidate candidate, CancellationToken ct)
    {
        try
        {
            return (candidate, await query(candidate.Contact, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (candidate, null); // a failed query is a failed node, whatever went wrong
        }
    }

    /// <summary>The closest node not yet asked, if it is among the K closest still in the running.</summary>
    private Candidate? NextToAsk()
    {
        foreach (var candidate in _candidates.Take(RoutingTable.K))
            if (candidate.State == State.Fresh)
                return candidate;
        return null;
    }

    private void Offer(NodeContact contact, int hop)
    {
        if (!NodeContact.IsUsable(contact.EndPoint) || !_seenIds.Add(contact.Id))
            return;
        var candidate = new Candidate(contact, hop);
        int index = _candidates.FindIndex(c => target.CompareDistance(contact.Id, c.Contact.Id) < 0);
        _candidates.Insert(index < 0 ? _candidates.Count : index, candidate);
        if (_candidates.Count > limits.MaxLookupCandidates)
        {
            // Drop the farthest candidate that is not in flight (its answer is still awaited).
            int drop = _candidates.FindLastIndex(c => c.State != State.InFlight);
            if (drop >= 0)
                _candidates.RemoveAt(drop);
        }
    }
}
