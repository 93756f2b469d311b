using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>Asking for blocks and taking them: unchoke, choke, piece, reject, endgame, a peer leaving.</summary>
[Stage(5)]
public class LoopDownloadTests : LoopFixture
{
    [Test]
    public void AnUnchokeFillsTheQueueWithDistinctBlocks()
    {
        var peer = H.JoinUnchokingSeeder();
        var requests = Requests(Take(peer));
        Assert.That(requests, Has.Count.EqualTo(14), "every block of the torrent (4+4+4+2): the queue (64) is deeper than the torrent");
        Assert.That(requests.Distinct().Count(), Is.EqualTo(14));
        Assert.That(requests.Last(), Is.EqualTo(new BlockRequest(3, Blocks.Size, 100)), "the short last block is asked for its real length");
    }

    [Test]
    public void NothingIsAskedOfAPeerThatChokesUs()
    {
        var peer = H.Join();
        H.Receive(peer, MessageId.HaveAll);
        Assert.That(Requests(Take(peer)), Is.Empty);
    }

    [Test]
    public void AChokeAndUnchokeDoNotAskAgain()
    {
        var peer = H.JoinUnchokingSeeder();
        Take(peer);
        for (int i = 0; i < 20; i++)
        {
            H.Receive(peer, MessageId.Choke);
            H.Receive(peer, MessageId.Unchoke);
        }
        Assert.That(Requests(Take(peer)), Is.Empty, "issue 9: requests outstanding before a choke stay outstanding");
    }

    [Test]
    public void RequestsUnansweredAfterAChokeReturnToThePoolAndAreCancelled()
    {
        var slow = H.JoinUnchokingSeeder();
        var asked = Requests(Take(slow));
        H.Receive(slow, MessageId.Choke);
        H.Loop.OnTick(Now + (long)TorrentLoop.ChokeGrace.TotalMilliseconds + 10);
        var commands = Take(slow);
        Assert.That(commands.Where(c => c.Kind == CommandKind.Cancel).Select(c => c.Block), Is.EquivalentTo(asked));
        var other = H.JoinUnchokingSeeder();
        Assert.That(Requests(Take(other)), Is.EquivalentTo(asked), "the released blocks are asked of the next peer");
    }

    [Test]
    public void ABlockGoesIntoItsPieceAndACompletePieceIsHashed()
    {
        var peer = H.JoinUnchokingSeeder();
        var asked = Requests(Take(peer));
        foreach (var block in asked.Where(b => b.Piece == asked[0].Piece))
            H.Deliver(peer, block);
        var verified = H.Effects.TakeVerified();
        Assert.That(verified.Select(p => p.Index), Is.EqualTo(new[] { asked[0].Piece }));
        Assert.That(verified[0].ToArray(), Is.EqualTo(H.Data.AsSpan(asked[0].Piece * PieceLength, PieceLength).ToArray()));
        Assert.That(H.Stats.BlocksReceived, Is.EqualTo(4));
    }

    [Test]
    public void ABlockWeNeverAskedForClosesAFastPeer()
    {
        var peer = H.Join();
        H.Receive(peer, MessageId.HaveAll);
        Take(peer);
        H.Deliver(peer, new BlockRequest(0, 0, Blocks.Size));
        Assert.That(Take(peer).Single().Kind, Is.EqualTo(CommandKind.Close), "BEP 6: a piece that answers no request");
        Assert.That(H.Loop.Peers, Is.Empty);
    }

    [Test]
    public void ABlockWeNeverAskedForIsDroppedFromAPlainPeer()
    {
        var peer = H.Join(PeerFeatures.None);
        H.Receive(peer, MessageId.HaveAll);
        Take(peer);
        H.Deliver(peer, new BlockRequest(0, 0, Blocks.Size));
        Assert.That(Take(peer), Is.Empty);
        Assert.That(H.Effects.TakeVerified(), Is.Empty);
        Assert.That(peer.IsClosed, Is.False, "without BEP 6 a choke may have dropped our requests: a late block is no lie");
    }

    [Test]
    public void ARejectFreesTheBlockForOthers()
    {
        var first = H.JoinUnchokingSeeder();
        var asked = Requests(Take(first));
        H.Receive(first, MessageId.Reject, asked[0].Piece, asked[0].Begin, asked[0].Length);
        Assert.That(Requests(Take(first)), Is.Empty, "not asked of the same peer at once");
        var second = H.JoinUnchokingSeeder();
        Assert.That(Requests(Take(second)), Is.EqualTo(new[] { asked[0] }));
    }

    [Test]
    public void ARejectOfSomethingNeverAskedClosesTheConnection()
    {
        var peer = H.JoinUnchokingSeeder();
        Take(peer);
        H.Receive(peer, MessageId.Reject, 0, 0, 7);
        Assert.That(Take(peer).Single().Kind, Is.EqualTo(CommandKind.Close));
    }

    [Test]
    public void InEndgameTheSlowerPeerIsCancelledAndItsLateAnswerDropped()
    {
        var a = H.JoinUnchokingSeeder();
        var asked = Requests(Take(a));
        var b = H.JoinUnchokingSeeder();
        var duplicates = Requests(Take(b));
        Assert.That(H.State.InEndgame, Is.True);
        Assert.That(duplicates, Is.Not.Empty.And.SubsetOf(asked), "endgame: blocks already asked of A are asked of B too");
        var block = duplicates[0];
        H.Deliver(a, block);
        Assert.That(Take(b).Where(c => c.Kind == CommandKind.Cancel).Select(c => c.Block), Is.EqualTo(new[] { block }));
        H.Deliver(b, block);   // BEP 6: a cancelled request may still be answered
        Assert.That(b.IsClosed, Is.False);
        Assert.That(H.Stats.BlocksReceived, Is.EqualTo(2), "both arrived; the second is waste, not data");
    }

    [Test]
    public void APeerThatLeavesHandsItsPieceToTheOthers()
    {
        using var h = new LoopHarness(new EngineOptions { MinQueueDepth = 4, MaxQueueDepth = 4 });
        var leaving = h.JoinUnchokingSeeder();
        var orphaned = Requests(Take(leaving));
        var staying = h.JoinUnchokingSeeder();
        var own = Requests(Take(staying));
        Assert.That(orphaned.Select(b => b.Piece).Distinct().Single(), Is.Not.EqualTo(own[0].Piece));
        h.Loop.OnPeerLeft(leaving, "closed");
        foreach (var block in own)
            h.Deliver(staying, block);
        Assert.That(Requests(Take(staying)), Is.EquivalentTo(orphaned), "the departed peer's piece is finished before a new one starts");
        Assert.That(h.Loop.Peers, Is.EqualTo(new[] { staying }));
    }

    [Test]
    public void NotInterestedOnceAPeerHasNothingLeftForUs()
    {
        var peer = H.JoinUnchokingSeeder();
        foreach (var block in Requests(Take(peer)))
            H.Deliver(peer, block);
        H.CheckPieces();
        Assert.That(Take(peer).Select(c => c.Kind), Does.Contain(CommandKind.NotInterested));
        Assert.That(H.Effects.CompletedCount, Is.EqualTo(1));
    }
}
