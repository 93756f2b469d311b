using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>The pieces still to start, ordered by availability in buckets: every change keeps the order right.</summary>
[Stage(5)]
public class AvailabilityBucketsTests
{
    /// <summary>The order is bucket after bucket, each piece in the bucket of its availability, each kept piece once.</summary>
    private static void AssertConsistent(AvailabilityBuckets buckets, int[] availability, ISet<int> kept)
    {
        Assert.That(buckets.Count, Is.EqualTo(kept.Count), "one place per kept piece");
        var seen = new HashSet<int>();
        int expectedStart = 0;
        for (int a = 0; a < buckets.BucketCount; a++)
        {
            var (start, end) = buckets.Bucket(a);
            Assert.That(start, Is.EqualTo(expectedStart), $"bucket {a} starts where bucket {a - 1} ends");
            for (int p = start; p < end; p++)
            {
                int piece = buckets[p];
                Assert.That(availability[piece], Is.EqualTo(a), $"piece {piece} sits in bucket {a} but {availability[piece]} peers have it");
                Assert.That(seen.Add(piece), Is.True, $"piece {piece} appears twice");
            }
            expectedStart = end;
        }
        Assert.That(expectedStart, Is.EqualTo(kept.Count), "the buckets cover exactly the kept pieces");
        Assert.That(seen, Is.EquivalentTo(kept));
        foreach (int piece in kept)
            Assert.That(buckets.Contains(piece), Is.True);
    }

    [Test]
    public void RarestPiecesComeFirst()
    {
        int[] availability = [3, 1, 2, 0, 1];
        var buckets = new AvailabilityBuckets(availability);
        for (int i = 0; i < availability.Length; i++)
            buckets.Add(i);
        Assert.That(buckets[0], Is.EqualTo(3), "held by nobody");
        Assert.That(new[] { buckets[1], buckets[2] }, Is.EquivalentTo(new[] { 1, 4 }), "held by one peer");
        Assert.That(buckets[3], Is.EqualTo(2));
        Assert.That(buckets[4], Is.EqualTo(0), "held by three peers: last");
        AssertConsistent(buckets, availability, new HashSet<int> { 0, 1, 2, 3, 4 });
    }

    [Test]
    public void AnAnnouncedPieceMovesUpOneBucketAndALeavingPeerMovesItDown()
    {
        int[] availability = new int[4];
        var buckets = new AvailabilityBuckets(availability);
        for (int i = 0; i < 4; i++)
            buckets.Add(i);
        buckets.MovedUp(2, availability[2]++);
        buckets.MovedUp(2, availability[2]++);
        buckets.MovedUp(0, availability[0]++);
        Assert.That(buckets[3], Is.EqualTo(2), "held by two peers: after the pieces held by one and by none");
        AssertConsistent(buckets, availability, new HashSet<int> { 0, 1, 2, 3 });
        buckets.MovedDown(2, availability[2]--);
        buckets.MovedDown(2, availability[2]--);
        AssertConsistent(buckets, availability, new HashSet<int> { 0, 1, 2, 3 });
        Assert.That(buckets[3], Is.EqualTo(0), "now the only piece anyone has");
    }

    [Test]
    public void RemovedPiecesAreNotKeptButStillCounted()
    {
        int[] availability = [1, 1, 2, 0];
        var buckets = new AvailabilityBuckets(availability);
        for (int i = 0; i < 4; i++)
            buckets.Add(i);
        buckets.Remove(1);
        buckets.MovedUp(1, availability[1]++);   // a peer announces a piece we started: only the count changes
        AssertConsistent(buckets, availability, new HashSet<int> { 0, 2, 3 });
        buckets.Add(1);                           // it failed its hash: back, in the bucket of its current availability
        AssertConsistent(buckets, availability, new HashSet<int> { 0, 1, 2, 3 });
        Assert.That(buckets[3] == 1 || buckets[2] == 1, Is.True, "piece 1 is now held by two peers, like piece 2");
    }

    [Test]
    public void StaysConsistentThroughRandomChanges()
    {
        var random = new Random(11);
        const int Pieces = 200;
        int[] availability = new int[Pieces];
        var buckets = new AvailabilityBuckets(availability);
        var kept = new HashSet<int>();
        for (int step = 0; step < 20_000; step++)
        {
            int piece = random.Next(Pieces);
            switch (random.Next(4))
            {
                case 0:
                    buckets.Add(piece);
                    kept.Add(piece);
                    break;
                case 1:
                    buckets.Remove(piece);
                    kept.Remove(piece);
                    break;
                case 2:
                    buckets.MovedUp(piece, availability[piece]++);
                    break;
                case 3 when availability[piece] > 0:
                    buckets.MovedDown(piece, availability[piece]--);
                    break;
            }
            if (step % 500 == 0)
                AssertConsistent(buckets, availability, kept);
        }
        AssertConsistent(buckets, availability, kept);
    }
}
