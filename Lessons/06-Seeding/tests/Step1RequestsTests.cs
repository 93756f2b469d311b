using MeTorrent.Download.Seeding;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Seeding.Lesson;

/// <summary>Lesson 06, step 1 (06-seeding.requests): answering a peer's requests safely.</summary>
[Stage(6)]
public class Step1RequestsTests
{
    // A torrent of 100,000 bytes in 32 KiB pieces: pieces 0-2 are 32,768 bytes, piece 3 (the last) 1,696.
    private const long PieceLength = 32 * 1024, Total = 100_000;
    private const int Block = 16 * 1024;

    private static RequestVerdict Judge(int piece, int begin, int length, bool have = true, bool choking = false) =>
        RequestCheck.Judge(new BlockRequest(piece, begin, length), PieceLength, Total, have, choking);

    [Test]
    public void ServesAFairRequestToAnUnchokedPeer()
    {
        Assert.That(Judge(0, 0, Block), Is.EqualTo(RequestVerdict.Serve), "a 16 KiB block at the start of a piece we hold, peer unchoked: serve it");
        Assert.That(Judge(2, Block, Block), Is.EqualTo(RequestVerdict.Serve), "the second 16 KiB block of a 32 KiB piece ends exactly at the piece's end: serve it");
    }

    [Test]
    public void ServesASmallBlockAnywhereInsideThePiece() =>
        Assert.That(Judge(1, 1000, 100), Is.EqualTo(RequestVerdict.Serve), "100 bytes at offset 1000 lie inside the piece: blocks need not be 16 KiB or aligned");

    [Test]
    public void DropsAPeerThatAsksForMoreThan16KiB()
    {
        Assert.That(Judge(0, 0, 2 * Block), Is.EqualTo(RequestVerdict.Disconnect),
            "block size: a 32 KiB request fits in the 32 KiB piece, but BEP 3 says clients close connections that request more than 16 KiB");
        Assert.That(Judge(0, 0, Block + 1), Is.EqualTo(RequestVerdict.Disconnect), "block size: 16,385 bytes is one too many");
    }

    [Test]
    public void DropsAPeerThatAsksForNothingOrANegativeOffset()
    {
        Assert.That(Judge(0, 0, 0), Is.EqualTo(RequestVerdict.Disconnect), "block size: a request for 0 bytes is malformed");
        Assert.That(Judge(0, -1, 100), Is.EqualTo(RequestVerdict.Disconnect), "range: a negative begin is outside the piece");
    }

    [Test]
    public void DropsAPeerThatAsksPastThePiecesEnd() =>
        Assert.That(Judge(0, (int)PieceLength - 100, Block), Is.EqualTo(RequestVerdict.Disconnect),
            "range: begin + length passes the end of the piece (a request covers one piece only)");

    [Test]
    public void ARangeThatOverflowsAnIntIsStillPastTheEnd() =>
        Assert.That(Judge(0, int.MaxValue - 100, Block), Is.EqualTo(RequestVerdict.Disconnect),
            "range: begin + length is past the end even when it passes int.MaxValue: add them as long, or the sum wraps to a negative number");

    [Test]
    public void TheLastPieceIsShorter()
    {
        Assert.That(Judge(3, 0, 1696), Is.EqualTo(RequestVerdict.Serve), "the last piece holds 100,000 - 3 x 32,768 = 1,696 bytes: all of it may be asked");
        Assert.That(Judge(3, 0, 1697), Is.EqualTo(RequestVerdict.Disconnect),
            "range: the last piece is 1,696 bytes long, not the piece length; byte 1,697 does not exist");
    }

    [Test]
    public void DropsAPeerThatAsksForAPieceOutsideTheTorrent()
    {
        Assert.That(Judge(4, 0, 100), Is.EqualTo(RequestVerdict.Disconnect), "range: the torrent has pieces 0-3; piece 4 does not exist");
        Assert.That(Judge(-1, 0, 100), Is.EqualTo(RequestVerdict.Disconnect), "range: a negative piece index does not exist");
    }

    [Test]
    public void RejectsRequestsForPiecesWeLack() =>
        Assert.That(Judge(1, 0, Block, have: false), Is.EqualTo(RequestVerdict.Reject),
            "have: a fair request for a piece we do not hold (yet) is rejected, not served and not a reason to disconnect");

    [Test]
    public void RejectsRequestsFromAPeerWeChoke() =>
        Assert.That(Judge(1, 0, Block, choking: true), Is.EqualTo(RequestVerdict.Reject),
            "choking: a peer we choke gets nothing (BEP 3); its request is rejected (BEP 6), however fair");

    [Test]
    public void AMalformedRequestIsDroppedEvenFromAChokedPeer() =>
        Assert.That(Judge(0, 0, 2 * Block, have: false, choking: true), Is.EqualTo(RequestVerdict.Disconnect),
            "block size: a 32 KiB request is a protocol violation whatever our state: check the request before the choke");
}
