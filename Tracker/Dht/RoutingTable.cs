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
            var (bucket, index) = Find(contact.Id);
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
            while (bucket.Entries.Count >= K && index == _buckets.Count - 1 && _buckets.Count < NodeId.Bits)
            {
                Split(now);
                (bucket, index) = Find(contact.Id);
            }
            if (bucket.Entries.Count < K)
            {
                bucket.Entries.Add(new RoutingEntry(contact, now));
                bucket.LastChanged = now;
                return AddOutcome.Added;
            }
            if (bucket.Entries.FirstOrDefault(e => e.StateAt(now) == NodeState.Bad) is { } bad)
            {
                bucket.Entries.Remove(bad);
                bucket.Entries.Add(new RoutingEntry(contact, now));
                bucket.LastChanged = now;
                return AddOutcome.Replaced;
            }
            toPing = bucket.Entries.Where(e => e.StateAt(now) == NodeState.Questionable).MinBy(e => e.LastSeen)?.Contact;
            return AddOutcome.BucketFull;
        }
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

    private (Bucket Bucket, int Index) Find(NodeId id)
    {
        int index = Math.Min(Self.CommonPrefixLength(id), _buckets.Count - 1);
        return (_buckets[index], index);
    }

    /// <summary>The last bucket (the one around our id) gives its nodes closer than its index to a new last bucket.</summary>
    private void Split(DateTimeOffset now)
    {
        int last = _buckets.Count - 1;
        var closer = new Bucket(now);
        closer.Entries.AddRange(_buckets[last].Entries.Where(e => Self.CommonPrefixLength(e.Contact.Id) > last));
        _buckets[last].Entries.RemoveAll(closer.Entries.Contains);
        _buckets.Add(closer);
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
