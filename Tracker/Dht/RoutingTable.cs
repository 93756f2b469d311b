namespace MeTorrent.Tracker.Dht;

/// <summary>What <see cref="RoutingTable.AddResponder"/> did with a node.</summary>
public enum AddOutcome { Added, Updated, Replaced, BucketFull, Refused }

/// <summary>
/// The routing table of BEP 5: k-buckets of at most <see cref="K"/> nodes. It starts as one bucket for
/// the whole id space; a full bucket that holds our own id splits in two, so the table keeps fine detail
/// near our id and only a few nodes for far-away regions. Here bucket i holds the nodes whose ids share
/// exactly i leading bits with ours, and the last bucket holds every node closer than that — the
/// buckets you get by always splitting the one around our id.
///
/// Only nodes that answered one of our queries are added (a query alone proves nothing about an id or
/// address); a full bucket takes a newcomer only in place of a bad node, and otherwise names its least
/// recently seen questionable node for the caller to ping (<see cref="AddOutcome.BucketFull"/>).
/// </summary>
public sealed class RoutingTable
{
    public const int K = 8;
    public const int FailuresBeforeBad = 2;
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(15);

    private readonly List<Bucket> _buckets = [];
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public RoutingTable(NodeId self, TimeProvider time)
    {
        Self = self;
        _time = time;
        _buckets.Add(new Bucket(time.GetUtcNow()));
    }

    public NodeId Self { get; }

    public int Count { get { lock (_lock) return _buckets.Sum(b => b.Entries.Count); } }

    public int BucketCount { get { lock (_lock) return _buckets.Count; } }

    public int CountIn(NodeState state)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
            return _buckets.Sum(b => b.Entries.Count(e => e.StateAt(now) == state));
    }

    /// <summary>
    /// A node answered one of our queries: add it, or mark it good. A full bucket replaces a bad node;
    /// with none, <paramref name="toPing"/> is its least recently seen questionable node (if any): ping
    /// it, report a failure with <see cref="RecordFailure"/>, and offer the newcomer again.
    /// </summary>
    public AddOutcome AddResponder(NodeContact contact, out NodeContact? toPing)
    {
        toPing = null;
        if (contact.Id == Self || !NodeContact.IsUsable(contact.EndPoint))
            return AddOutcome.Refused;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var (bucket, _) = Find(contact.Id);
            if (bucket.Entries.FirstOrDefault(e => e.Contact.Id == contact.Id) is { } known)
            {
                if (!known.Contact.EndPoint.Equals(contact.EndPoint) && known.StateAt(now) != NodeState.Bad)
                    return AddOutcome.Refused; // an id already held by a live node elsewhere: a forgery
                known.Contact = contact;
                known.LastResponse = now;
                known.FailedQueries = 0;
                bucket.LastChanged = now;
                return AddOutcome.Updated;
            }
            RemoveEndPoint(contact); // the same address under another id: the node restarted with a new id
            var outcome = TryAdd(contact, now, out var destination);
            if (outcome == AddOutcome.BucketFull)
                outcome = MakeRoom(destination, contact, now, out toPing);
            if (outcome != AddOutcome.BucketFull)
                destination.LastChanged = now;
            return outcome;
        }
    }

    /// <summary>A newcomer into its bucket, splitting the bucket around our id as often as it takes: Added, or BucketFull.</summary>
    // LESSON 10-dht.buckets: into the bucket its id falls in; a full bucket that holds our own id splits first (again, if need be); at most K a bucket.
    private AddOutcome TryAdd(NodeContact contact, DateTimeOffset now, out Bucket bucket)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 3 (buckets): BEP 5: a bucket holds at most K = 8 nodes; when a full bucket's range includes our own node id, it splits in two and the newcomer tries again; any other full bucket stays as it is. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        int index;
        (bucket, index) = Find(contact.Id);
        while (bucket.Entries.Count >= K && index == _buckets.Count - 1 && _buckets.Count < NodeId.Bits)
        {
            Split(now);
            (bucket, index) = Find(contact.Id);
        }
        if (bucket.Entries.Count >= K)
            return AddOutcome.BucketFull;
        bucket.Entries.Add(new RoutingEntry(contact, now));
        return AddOutcome.Added;
        // END SOLUTION
    }

    /// <summary>A full bucket and a newcomer: Replaced (a bad node made way), or BucketFull (and maybe a node to ping).</summary>
    // LESSON 10-dht.buckets: a bad node gives its place to the newcomer; with none, name the least recently seen questionable node to ping.
    private static AddOutcome MakeRoom(Bucket bucket, NodeContact newcomer, DateTimeOffset now, out NodeContact? toPing)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 3 (buckets): BEP 5: in a full bucket a bad node is replaced by the newcomer; if there is none, the questionable node seen least recently is pinged first, and good nodes are never replaced. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        toPing = null;
        if (bucket.Entries.FirstOrDefault(e => e.StateAt(now) == NodeState.Bad) is { } bad)
        {
            bucket.Entries.Remove(bad);
            bucket.Entries.Add(new RoutingEntry(newcomer, now));
            return AddOutcome.Replaced;
        }
        toPing = bucket.Entries.Where(e => e.StateAt(now) == NodeState.Questionable).MinBy(e => e.LastSeen)?.Contact;
        return AddOutcome.BucketFull;
        // END SOLUTION
    }

    /// <summary>A node queried us: if it is in the table it stays good (BEP 5). False if it is not in the table.</summary>
    public bool RecordQueryFrom(NodeContact contact)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var (bucket, _) = Find(contact.Id);
            if (bucket.Entries.FirstOrDefault(e => e.Contact.Equals(contact)) is not { } known)
                return false;
            known.LastQueryFromIt = now;
            return true;
        }
    }

    /// <summary>A node in the table did not answer a query (after its retransmissions).</summary>
    public void RecordFailure(NodeContact contact)
    {
        lock (_lock)
        {
            var (bucket, _) = Find(contact.Id);
            if (bucket.Entries.FirstOrDefault(e => e.Contact.Equals(contact)) is { } known)
                known.FailedQueries++;
        }
    }

    /// <summary>A node lied to us (a malformed answer, an id that changed mid-conversation): it goes.</summary>
    public void Remove(NodeContact contact)
    {
        lock (_lock)
        {
            var (bucket, _) = Find(contact.Id);
            bucket.Entries.RemoveAll(e => e.Contact.Equals(contact));
        }
    }

    public NodeState? StateOf(NodeId id)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
            return Find(id).Bucket.Entries.FirstOrDefault(e => e.Contact.Id == id)?.StateAt(now);
    }

    /// <summary>The <paramref name="count"/> nodes closest to <paramref name="target"/> that are not bad.</summary>
    public List<NodeContact> Closest(NodeId target, int count = K)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
            return _buckets.SelectMany(b => b.Entries)
                .Where(e => e.StateAt(now) != NodeState.Bad)
                .Select(e => e.Contact)
                .OrderBy(c => c.Id.DistanceTo(target), NodeIdOrder.Instance)
                .Take(count)
                .ToList();
    }

    public List<NodeContact> All()
    {
        lock (_lock)
            return _buckets.SelectMany(b => b.Entries).Select(e => e.Contact).ToList();
    }

    /// <summary>
    /// One random target per bucket unchanged for 15 minutes (BEP 5 "refresh"): a find_node for it
    /// fills the bucket with live nodes again. Each bucket's clock restarts so it is not refreshed twice.
    /// </summary>
    public List<NodeId> TakeRefreshTargets()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var targets = new List<NodeId>();
            for (int i = 0; i < _buckets.Count; i++)
            {
                if (now - _buckets[i].LastChanged < RefreshAfter)
                    continue;
                targets.Add(Self.RandomWithCommonPrefix(i));
                _buckets[i].LastChanged = now;
            }
            return targets;
        }
    }

    /// <summary>The bucket that holds (or would hold) <paramref name="id"/>, and its index.</summary>
    // LESSON 10-dht.buckets: bucket i holds the ids that share exactly i leading bits with ours; the last bucket also holds every id closer still.
    private (Bucket Bucket, int Index) Find(NodeId id)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 3 (buckets): bucket i holds the nodes whose ids share exactly i leading bits with our own id; the last bucket, the one around our id, holds every node closer than that too. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        int index = Math.Min(Self.CommonPrefixLength(id), _buckets.Count - 1);
        return (_buckets[index], index);
        // END SOLUTION
    }

    /// <summary>The last bucket (the one around our id) gives its nodes closer than its index to a new last bucket.</summary>
    // LESSON 10-dht.buckets: the last bucket keeps the nodes that share exactly its index's leading bits with us; the closer ones move to a new last bucket.
    private void Split(DateTimeOffset now)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 3 (buckets): splitting the last bucket (the one around our id) makes two: the nodes sharing exactly its index's leading bits with us stay, the closer ones move to a new last bucket. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        int last = _buckets.Count - 1;
        var closer = new Bucket(now);
        closer.Entries.AddRange(_buckets[last].Entries.Where(e => Self.CommonPrefixLength(e.Contact.Id) > last));
        _buckets[last].Entries.RemoveAll(closer.Entries.Contains);
        _buckets.Add(closer);
        // END SOLUTION
    }

    private void RemoveEndPoint(NodeContact contact)
    {
        foreach (var bucket in _buckets)
            bucket.Entries.RemoveAll(e => e.Contact.EndPoint.Equals(contact.EndPoint));
    }

    private sealed class Bucket(DateTimeOffset created)
    {
        public List<RoutingEntry> Entries { get; } = new(K);
        public DateTimeOffset LastChanged { get; set; } = created;
    }
}

/// <summary>Orders ids as unsigned 160-bit numbers (distances, mostly).</summary>
public sealed class NodeIdOrder : IComparer<NodeId>
{
    public static readonly NodeIdOrder Instance = new();

    public int Compare(NodeId a, NodeId b) => default(NodeId).CompareDistance(a, b);
}
