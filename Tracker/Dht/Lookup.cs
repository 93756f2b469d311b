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
        int queried;
        try
        {
            queried = await AskUntilTheClosestAnsweredAsync(inFlight, onStep, ct);
        }
        finally
        {
            // Cancelled mid-lookup: let the queries still in flight finish quietly.
            foreach (var task in inFlight)
                _ = task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        var answered = _candidates.Where(c => c.State == State.Answered).ToList();
        return new LookupResult(
            answered.Take(RoutingTable.K).Select(c => new ClosestNode(c.Contact, c.Token)).ToList(),
            queried,
            answered.Select(c => c.Hop).DefaultIfEmpty(0).Max());
    }

    /// <summary>The lookup's loop: queries to the closest nodes not yet asked, their answers merged in. Returns how many were asked.</summary>
    // LESSON 10-dht.lookup: keep up to Alpha queries in flight to NextToAsk(); as each finishes, Accept it and Offer the nodes it named (one hop further); done when none is in flight and none is left to ask.
    private async Task<int> AskUntilTheClosestAnsweredAsync(List<Task<(Candidate Asked, LookupReply? Reply)>> inFlight, Action<LookupStep>? onStep, CancellationToken ct)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 4 (lookup): BEP 5: ask the closest nodes you know that you have not asked yet, Alpha = 3 at a time; every answer names closer nodes to ask; the lookup ends when the 8 closest nodes still in the running have all answered. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        int queried = 0;
        while (true)
        {
            while (inFlight.Count < Alpha && NextToAsk() is { } next)
            {
                next.State = State.InFlight;
                inFlight.Add(AskAsync(next, ct));
                queried++;
            }
            if (inFlight.Count == 0)
                return queried;
            var done = await Task.WhenAny(inFlight);
            inFlight.Remove(done);
            var (asked, reply) = await done;
            if (Accept(asked, reply, onStep) is { } answer)
                foreach (var node in answer.Nodes)
                    Offer(node, asked.Hop + 1);
        }
        // END SOLUTION
    }

    /// <summary>
    /// One finished query: the reply if the node answered as itself (it is marked answered and keeps its
    /// token), or null — silent, or not the node we were told of — and it is out of the running.
    /// </summary>
    private LookupReply? Accept(Candidate asked, LookupReply? reply, Action<LookupStep>? onStep)
    {
        onStep?.Invoke(new LookupStep(asked.Hop, asked.Contact, reply is not null && reply.ResponderId == asked.Contact.Id ? reply : null));
        if (reply is null || reply.ResponderId != asked.Contact.Id)
        {
            // Silent, or not the node we were told of: out of the running (its slot is freed).
            _candidates.Remove(asked);
            // Whoever does answer at that address is a node in its own right, under its real id.
            if (reply is not null)
                Offer(new NodeContact(reply.ResponderId, asked.Contact.EndPoint), asked.Hop);
            return null;
        }
        asked.State = State.Answered;
        asked.Token = reply.Token;
        return reply;
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
    // LESSON 10-dht.lookup: the closest candidate not asked yet — but only from the K closest candidates: once those have all answered, nobody is left to ask.
    private Candidate? NextToAsk()
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 4 (lookup): the next node to ask is the closest one not asked yet among the 8 closest candidates; none when those 8 have all been asked. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        foreach (var candidate in _candidates.Take(RoutingTable.K))
            if (candidate.State == State.Fresh)
                return candidate;
        return null;
        // END SOLUTION
    }

    /// <summary>A node someone named: a candidate, unless its address is impossible or its id was offered before.</summary>
    private void Offer(NodeContact contact, int hop)
    {
        if (NodeContact.IsUsable(contact.EndPoint) && AddCandidate(contact, hop))
            DropTheFarthestBeyondTheLimit();
    }

    /// <summary>False if the id was offered before (even if that node has failed since).</summary>
    // LESSON 10-dht.lookup: each id once only (remember it in _seenIds, even after it fails); _candidates stays sorted, closest to the target first.
    private bool AddCandidate(NodeContact contact, int hop)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 4 (lookup): a node named by several answers is one candidate, asked at most once; the candidates stay in order of XOR distance to the target, closest first. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        if (!_seenIds.Add(contact.Id))
            return false;
        int index = _candidates.FindIndex(c => target.CompareDistance(contact.Id, c.Contact.Id) < 0);
        _candidates.Insert(index < 0 ? _candidates.Count : index, new Candidate(contact, hop));
        return true;
        // END SOLUTION
    }

    /// <summary>Candidates are bounded: the farthest that is not in flight goes (its answer is still awaited).</summary>
    private void DropTheFarthestBeyondTheLimit()
    {
        if (_candidates.Count <= limits.MaxLookupCandidates)
            return;
        int drop = _candidates.FindLastIndex(c => c.State != State.InFlight);
        if (drop >= 0)
            _candidates.RemoveAt(drop);
    }
}
