using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Lesson.LessonLoop;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>
/// Lesson 05, step 3 (05-download.messages): what the torrent's loop does when a peer chokes, unchokes, rejects,
/// leaves, or sent a piece that fails its hash. Each test feeds the loop events and reads the commands it decided.
/// </summary>
[Stage(5)]
public class Step3MessagesTests
{
    [Test]
    public void AnUnchokeFillsTheQueue()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join();
        Assert.That(Requests(Take(a)), Is.Empty, "a peer that chokes us is asked for nothing (connections start out choked, BEP 3)");
        h.Unchoke(a);
        var asked = Requests(Take(a));
        Assert.That(asked, Has.Count.EqualTo(4 * BlocksPerPiece).And.Unique,
            "an unchoke lets us ask: top up its queue at once (TopUp) — 16 different blocks, 4 pieces of 4 (the memory limit allows 4 pieces in flight)");
        Assert.That(a.PeerChoking, Is.False, "after an unchoke the peer no longer chokes us (PeerChoking)");
    }

    [Test]
    public void AChokeKeepsTheRequestsOutstanding()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        h.Choke(a);
        Assert.That(a.PeerChoking, Is.True, "after a choke the peer chokes us (PeerChoking)");
        Assert.That(a.Requests.Outstanding, Has.Count.EqualTo(asked.Count),
            "a choke does not drop the requests: some peers still send what they had queued, BEP 6 peers reject what they drop, " +
            "and what stays unanswered goes back to the pool 2 s later (ChokeGrace, the clock's job)");
        h.Unchoke(a);
        Assert.That(Requests(Take(a)), Is.Empty,
            "choke then unchoke: the 16 requests are still outstanding, so nothing is asked again — a request is sent once " +
            "(a peer flipping choke/unchoke made an older engine ask for every block a hundred times)");
        var b = h.Join();
        h.Unchoke(b);
        Assert.That(Requests(Take(b)), Is.Empty, "the blocks asked of the choking peer are still its: another peer is not asked for them");
    }

    [Test]
    public void NothingIsAskedOfAPeerThatChokedUs()
    {
        var h = new LessonLoop(pieces: 32, inFlight: 32);
        var a = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        h.Choke(a);
        foreach (var block in asked.Take(16))
            h.Deliver(a, block);   // blocks it had queued before the choke still arrive
        Assert.That(Requests(Take(a)), Is.Empty,
            "16 blocks arrived after the choke (a quarter of the queue is free), but the peer chokes us: it would drop any request now");
    }

    [Test]
    public void ARejectedBlockGoesToTheNextPeerThatAsks()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        var rejected = asked[5];
        h.Reject(a, rejected);
        Assert.That(a.Requests.Outstanding.ContainsKey(rejected), Is.False, "a rejected block is no longer owed by that peer (BEP 6: it will not send it)");
        Assert.That(Requests(Take(a)), Does.Not.Contain(rejected), "not asked of the peer that rejected it again at once: it would likely reject it again");
        var b = h.Join();
        h.Unchoke(b);
        Assert.That(Requests(Take(b)), Is.EqualTo(new[] { rejected }),
            $"the rejected block {Show([rejected])} is free again (released in the ledger): the next peer that tops up asks for it, " +
            "and for nothing else (the other blocks are still asked of the first peer, and no room is left for a new piece)");
        Assert.That(a.IsClosed, Is.False, "a reject of a block we asked for is fair: keep the connection");
    }

    [Test]
    public void ARejectOfABlockNeverAskedForClosesTheConnection()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        int notAsked = Enumerable.Range(0, 8).First(p => asked.All(b => b.Piece != p));
        h.Reject(a, new BlockRequest(notAsked, 0, Blocks.Size));
        Assert.That(a.IsClosed, Is.True,
            $"a reject of piece {notAsked}, which we never asked this peer for, breaks BEP 6 (a peer rejects only requests it received): close the connection");
    }

    [Test]
    public void ADepartedPeersBlocksGoToTheOthers()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join();
        var b = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        h.Unchoke(b);
        Assert.That(Requests(Take(b)), Is.Empty, "every block of the 4 pieces in flight is asked of the first peer, and no room is left for a fifth");
        h.Leave(a);
        Assert.That(Requests(Take(b)), Is.EquivalentTo(asked),
            "the first peer left owing 16 blocks: they go back to the pool (State.RemovePeer) and the peers still here top up at once " +
            "with them — not at their next block, which may never come");
    }

    [Test]
    public void AFailedPieceIsFetchedAgainAndItsSenderBlamed()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var a = h.Join(0);
        var b = h.Join(0);
        h.Unchoke(a);
        var asked = Requests(Take(a));
        Assert.That(asked.Select(r => r.Piece), Is.All.EqualTo(0), "the peer has only piece 0");
        h.Deliver(a, asked[0], corrupt: true);
        foreach (var block in asked.Skip(1))
            h.Deliver(a, block);
        h.CheckPieces();
        Assert.That(h.State.Has(0), Is.False, "piece 0 failed its SHA-1 check: it is not ours");
        Assert.That(a.Record.FailedPieces, Is.EqualTo(1),
            "the only sender of a piece that failed its hash is to blame at once (FailedPieces: two failed pieces, and more than its good ones, ban a peer)");
        h.Unchoke(b);
        Assert.That(Requests(Take(b)), Is.EquivalentTo(asked),
            "a failed piece is missing again (PieceStatus.Missing), so it is fetched again: here from the other peer that has it");
    }

    [Test]
    public void AnHonestPeerThatSharedAFailedPieceWithALiarIsNotBlamed()
    {
        var h = new LessonLoop(pieces: 8, inFlight: 4);
        var honest = h.Join(0);
        var liar = h.Join(0);
        var third = h.Join(0);
        h.Unchoke(honest);
        var asked = Requests(Take(honest));
        h.Deliver(honest, asked[0]);
        h.Deliver(honest, asked[1]);
        h.Unchoke(liar);
        h.Leave(honest);   // its two other blocks go to the liar
        foreach (var block in Requests(Take(liar)))
            h.Deliver(liar, block, corrupt: true);
        h.CheckPieces();
        Assert.That(honest.Record.FailedPieces + liar.Record.FailedPieces, Is.Zero,
            "piece 0 failed, but two peers sent its blocks: nobody is proven guilty yet (remember who sent which block: RememberBlocks)");
        h.Unchoke(third);
        foreach (var block in Requests(Take(third)))
            h.Deliver(third, block);
        h.CheckPieces();
        Assert.That(h.State.Has(0), Is.True, "the third peer's copy of piece 0 is good");
        Assert.That(liar.Record.FailedPieces, Is.EqualTo(1), "now the good copy shows whose blocks differed: the liar's");
        Assert.That(honest.Record.FailedPieces, Is.Zero, "the honest peer's blocks were the same as the good ones: it is not blamed");
    }
}
