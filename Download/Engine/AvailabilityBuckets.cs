namespace MeTorrent.Download.Engine;

/// <summary>
/// The pieces still to start, kept in one array ordered by availability (how many connected peers have
/// each): all pieces held by 0 peers, then those held by 1, and so on — a "bucket" per availability, as
/// libtorrent's piece_picker.cpp keeps them. The rarest pieces are always at the front, so a pick looks
/// at a few candidates instead of scanning the torrent.
/// <para>
/// Every change is cheap whatever the torrent's size: a peer announcing a piece moves it one bucket up
/// by swapping it with the last piece of its bucket and moving the boundary (O(1)); adding or removing a
/// piece shifts one piece per bucket above it (O(buckets), and there are at most as many buckets as
/// connected peers, plus one).
/// </para>
/// </summary>
public sealed class AvailabilityBuckets
{
    private readonly int[] _order;       // the pieces, bucket after bucket
    private readonly int[] _position;    // where each piece is in _order, or -1 when it is not kept
    private readonly int[] _availability;
    private readonly List<int> _bucketEnd = [];   // bucket a holds _order[start(a) .. _bucketEnd[a])

    /// <param name="availability">each piece's availability; read, never changed, by this class</param>
    public AvailabilityBuckets(int[] availability)
    {
        _availability = availability;
        _order = new int[availability.Length];
        _position = new int[availability.Length];
        Array.Fill(_position, -1);
    }

    /// <summary>Pieces kept (the ones still to start).</summary>
    public int Count { get; private set; }

    /// <summary>The number of buckets (the highest availability seen, plus one).</summary>
    public int BucketCount => _bucketEnd.Count;

    public bool Contains(int piece) => _position[piece] >= 0;

    /// <summary>The pieces of one availability, as a range of <see cref="this[int]"/>.</summary>
    public (int Start, int End) Bucket(int availability) =>
        availability >= _bucketEnd.Count ? (Count, Count) : (Start(availability), _bucketEnd[availability]);

    /// <summary>The piece at a position of the order (0 = one of the rarest).</summary>
    public int this[int position] => _order[position];

    /// <summary>Starts keeping a piece (at its current availability).</summary>
    public void Add(int piece)
    {
        if (_position[piece] >= 0)
            return;
        int availability = _availability[piece];
        Grow(availability);
        int hole = Count++;
        // Open a hole at the end of the piece's bucket: the first piece of each higher bucket moves to its end.
        for (int b = _bucketEnd.Count - 1; b > availability; b--)
        {
            int first = Start(b);
            if (first != hole)   // an empty bucket has nothing to move
                Place(_order[first], hole);
            hole = first;
            _bucketEnd[b]++;
        }
        _bucketEnd[availability]++;
        Place(piece, hole);
    }

    /// <summary>Stops keeping a piece (started, or had).</summary>
    public void Remove(int piece)
    {
        int position = _position[piece];
        if (position < 0)
            return;
        int availability = _availability[piece];
        // The piece's slot goes to the end of its bucket, then the hole moves up one bucket at a time.
        int hole = --_bucketEnd[availability];
        if (hole != position)
            Place(_order[hole], position);
        for (int b = availability + 1; b < _bucketEnd.Count; b++)
        {
            int last = --_bucketEnd[b];
            if (last != hole)    // an empty bucket has nothing to move
                Place(_order[last], hole);
            hole = last;
        }
        _position[piece] = -1;
        Count--;
    }

    /// <summary>Call after a piece's availability went from <paramref name="from"/> to from + 1.</summary>
    public void MovedUp(int piece, int from)
    {
        Grow(from + 1);
        int position = _position[piece];
        if (position < 0)
            return;
        int last = _bucketEnd[from] - 1;   // swap with the last of its bucket, then that slot joins the next bucket
        Swap(position, last);
        _bucketEnd[from]--;
    }

    /// <summary>Call after a piece's availability went from <paramref name="from"/> to from - 1.</summary>
    public void MovedDown(int piece, int from)
    {
        int position = _position[piece];
        if (position < 0)
            return;
        int first = Start(from);   // swap with the first of its bucket, then that slot joins the bucket below
        Swap(position, first);
        _bucketEnd[from - 1]++;
    }

    private int Start(int bucket) => bucket == 0 ? 0 : _bucketEnd[bucket - 1];

    private void Grow(int availability)
    {
        while (_bucketEnd.Count <= availability)
            _bucketEnd.Add(Count);
    }

    private void Place(int piece, int position)
    {
        _order[position] = piece;
        _position[piece] = position;
    }

    private void Swap(int a, int b)
    {
        int pieceA = _order[a], pieceB = _order[b];
        Place(pieceA, b);
        Place(pieceB, a);
    }
}
