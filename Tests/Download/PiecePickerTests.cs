using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

[Stage(5)]
public class PiecePickerTests
{
    private static readonly PeerRecord Peer = new(new IPEndPoint(IPAddress.Loopback, 1));

    private static Bitfield Pieces(int count, params int[] set)
    {
        var bits = new Bitfield(count);
        foreach (int i in set) bits[i] = true;
        return bits;
    }

    private static PiecePicker PastRandomFirst(int count, out Bitfield have)
    {
        // Pieces 0..3 had already: the random-first phase is over, rarest first applies.
        have = Pieces(count, 0, 1, 2, 3);
        return new PiecePicker(have, new Random(1));
    }

    [Test]
    public void PicksTheRarestPieceThePeerHas()
    {
        var picker = PastRandomFirst(10, out _);
        picker.PeerHasAll(Pieces(10, 4, 5, 6, 7, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 6, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 6, 9));
        // availability: 4,5,6 → 3; 7 → 1; 8 → 2; 9 → 3
        Assert.That(picker.PickNew(Pieces(10, 4, 5, 6, 7, 8, 9), Peer), Is.EqualTo(7));
        Assert.That(picker.PickNew(Pieces(10, 4, 8, 9), Peer), Is.EqualTo(8));
    }

    [Test]
    public void NeverPicksPiecesWeHaveOrThatAreInFlight()
    {
        var picker = PastRandomFirst(6, out _);
        picker.SetStatus(4, PieceStatus.InFlight);
        Assert.That(picker.PickNew(Pieces(6, 0, 1, 4, 5), Peer), Is.EqualTo(5));
        picker.SetStatus(5, PieceStatus.Verifying);
        Assert.That(picker.PickNew(Pieces(6, 0, 1, 4, 5), Peer), Is.EqualTo(-1));
    }

    [Test]
    public void PicksAtRandomForTheFirstPieces()
    {
        var seen = new HashSet<int>();
        for (int seed = 0; seed < 40; seed++)
        {
            var picker = new PiecePicker(new Bitfield(20), new Random(seed));
            picker.PeerHasAll(Pieces(20, 0));          // piece 0 would be the most common one
            picker.PeerHasAll(Pieces(20, 0));
            seen.Add(picker.PickNew(Pieces(20, Enumerable.Range(0, 20).ToArray()), Peer));
        }
        Assert.That(seen.Count, Is.GreaterThan(5), "random first: not always the same piece");
    }

    [Test]
    public void AvoidsGivingAFailedPieceBackToThePeerThatSpoiledIt()
    {
        var picker = PastRandomFirst(6, out _);
        var other = new PeerRecord(new IPEndPoint(IPAddress.Loopback, 2));
        picker.FailedBy(4, [Peer]);
        Assert.That(picker.PickNew(Pieces(6, 4, 5), Peer), Is.EqualTo(5));
        Assert.That(picker.PickNew(Pieces(6, 4), other), Is.EqualTo(4));
        Assert.That(picker.PickNew(Pieces(6, 4), Peer), Is.EqualTo(4), "still allowed when nothing else is left");
    }

    [Test]
    public void AvailabilityFollowsPeersLeaving()
    {
        var picker = PastRandomFirst(6, out _);
        var both = Pieces(6, 4, 5);
        picker.PeerHasAll(both);
        picker.PeerHas(5);
        Assert.That(picker.Availability(5), Is.EqualTo(2));
        picker.PeerLeft(both);
        Assert.That(picker.Availability(4), Is.Zero);
        Assert.That(picker.Availability(5), Is.EqualTo(1));
    }
}
