using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>Lesson 05, step 1 (05-download.rarest-first): which piece to start next, and from whom.</summary>
[Stage(5)]
public class Step1RarestFirstTests
{
    private static readonly PeerRecord Someone = new(IPEndPoint.Parse("127.0.0.1:6881"));
    private static readonly PeerRecord SomeoneElse = new(IPEndPoint.Parse("127.0.0.1:6882"));

    private static Bitfield Pieces(int count, params int[] set)
    {
        var bits = new Bitfield(count);
        foreach (int i in set)
            bits[i] = true;
        return bits;
    }

    private static Bitfield All(int count)
    {
        var bits = new Bitfield(count);
        bits.SetAll();
        return bits;
    }

    /// <summary>
    /// 10 pieces; pieces 0-3 are started (in flight: none verified yet), so random first is over.
    /// Availability: piece 7 is held by 1 peer, 9 and 6 by 3, 4, 5 and 8 by 4.
    /// </summary>
    private static PiecePicker PickerPastRandomFirst(int seed = 7)
    {
        var picker = new PiecePicker(new Bitfield(10), new Random(seed));
        picker.PeerHasAll(All(10));
        picker.PeerHasAll(Pieces(10, 0, 1, 2, 3, 4, 5, 6, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 6, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 8));
        for (int i = 0; i < PiecePicker.RandomFirstPieces; i++)
            picker.SetStatus(i, PieceStatus.InFlight);
        return picker;
    }

    [Test]
    public void PicksTheRarestPiece()
    {
        for (int seed = 0; seed < 10; seed++)
            Assert.That(PickerPastRandomFirst(seed).PickNew(All(10), Someone), Is.EqualTo(7),
                $"(Random({seed})) piece 7 is held by 1 peer, every other missing piece by 3 or 4: rarest first. Random first is over " +
                $"here: {PiecePicker.RandomFirstPieces} pieces were started (in flight, none verified yet) — random first lasts while fewer " +
                "than RandomFirstPieces pieces were STARTED (not Missing), not verified");
    }

    [Test]
    public void PicksOnlyPiecesThePeerHas()
    {
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 4, 9), Someone), Is.EqualTo(9),
            "this peer has only pieces 4 (held by 4 peers) and 9 (held by 3): 9 is rarer. The rarest bucket (piece 7) has nothing this " +
            "peer has: look in the next one, and so on");
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 6, 9), Someone), Is.EqualTo(6).Or.EqualTo(9),
            "this peer has only pieces 6 and 9: never pick a piece it cannot send");
    }

    [Test]
    public void SkipsPiecesAlreadyStarted()
    {
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 0, 1, 2, 3), Someone), Is.EqualTo(-1),
            "pieces 0-3 are in flight already: nothing new to pick from this peer, return -1");
    }

    [Test]
    public void StartsWithRandomPieces()
    {
        var firsts = new HashSet<int>();
        for (int seed = 0; seed < 20; seed++)
        {
            var picker = new PiecePicker(new Bitfield(10), new Random(seed));
            for (int k = 0; k < 10; k++)
                picker.PeerHasAll(Pieces(10, Enumerable.Range(k, 10 - k).ToArray()));   // piece i is held by i + 1 peers: 0 is the rarest
            firsts.Add(picker.PickNew(All(10), Someone));
        }
        Assert.That(firsts.Count, Is.GreaterThan(3),
            "nothing is started yet, so the random first phase is on (BEP 3 random first): any missing piece at random, even though " +
            $"piece 0 is the rarest — peers starting together then fetch different pieces. Over 20 seeds the first picks were {string.Join(", ", firsts)}");
    }

    [Test]
    public void AvoidsGivingAPeerAPieceItSpoiled()
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var picker = PickerPastRandomFirst(seed);
            picker.FailedBy(7, [Someone]);
            Assert.That(picker.PickNew(All(10), Someone), Is.Not.EqualTo(7),
                $"(Random({seed})) this peer sent bad data for piece 7 before: with avoidFailed, give it another piece (the failed one goes to someone else)");
            Assert.That(picker.PickNew(All(10), SomeoneElse), Is.EqualTo(7), "another peer did not spoil piece 7: it is still the rarest for them");
        }
    }
}
