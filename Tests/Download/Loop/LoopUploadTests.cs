using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>Answering a peer's requests and choking (BEP 3 tit-for-tat, BEP 6 reject), as the loop decides them.</summary>
[Stage(6)]
public class LoopUploadTests : LoopFixture
{
    internal override LoopHarness NewHarness() => new LoopHarness(complete: true);

    private PeerState InterestedLeecher(PeerFeatures features = PeerFeatures.Fast, int servesPending = 0)
    {
        var peer = H.Join(features, servesPending: servesPending);
        H.Receive(peer, MessageId.Interested);
        H.Loop.OnTick(Now);   // the rechoke that interest asked for
        Take(peer);
        return peer;
    }

    [Test]
    public void AnInterestedPeerIsUnchokedAtTheNextRound()
    {
        var peer = H.Join();
        Take(peer);
        H.Receive(peer, MessageId.Interested);
        H.Loop.OnTick(Now);
        Assert.That(Take(peer).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Unchoke }));
        Assert.That(peer.AmChoking, Is.False);
    }

    [Test]
    public void AnInterestedPeerIsUnchokedRightAfterTheEventWithoutWaitingForTheClock()
    {
        var peer = H.Join();
        Take(peer);
        H.Receive(peer, MessageId.Interested);
        H.Loop.AfterEvents(Now);
        Assert.That(Take(peer).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Unchoke }));
    }

    [Test]
    public void RoundsAskedForByEventsComeAtMostOnceEveryTick()
    {
        // A peer toggling its interest must not make us choke and unchoke it (and rank everyone) per message.
        long start = Now;
        var peer = H.Join();
        Take(peer);
        H.Receive(peer, MessageId.Interested);
        H.Loop.AfterEvents(start);
        Assert.That(Take(peer).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Unchoke }));
        var other = H.Join();
        Take(other);
        H.Receive(other, MessageId.Interested);
        H.Loop.AfterEvents(start + 50);
        Assert.That(Take(other), Is.Empty, "50 ms after the last round: not yet");
        H.Loop.OnTick(start + 100);
        Assert.That(Take(other).Select(c => c.Kind), Does.Not.Contain(CommandKind.Unchoke), "nor at a tick that falls 100 ms after it");
        H.Loop.AfterEvents(start + 200);
        Assert.That(Take(other).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Unchoke }), "200 ms after it");
    }

    [Test]
    public void NoOneIsUnchokedWhenUploadIsOff()
    {
        using var h = new LoopHarness(new EngineOptions { UploadSlots = 0 }, complete: true);
        var peer = h.Join();
        h.Receive(peer, MessageId.Interested);
        h.Loop.OnTick(Now);
        Assert.That(Take(peer).Select(c => c.Kind), Does.Not.Contain(CommandKind.Unchoke));
    }

    [Test]
    public void ARequestFromAnUnchokedPeerIsServed()
    {
        var peer = InterestedLeecher();
        var block = new BlockRequest(1, Blocks.Size, Blocks.Size);
        H.Receive(peer, MessageId.Request, block.Piece, block.Begin, block.Length);
        Assert.That(Take(peer), Is.EqualTo(new[] { PeerCommand.Serve(block) }));
    }

    [Test]
    public void ARequestFromAChokedPeerIsRejectedOrIgnored()
    {
        var fast = H.Join();
        var plain = H.Join(PeerFeatures.None);
        Take(fast);
        Take(plain);
        H.Receive(fast, MessageId.Request, 0, 0, Blocks.Size);
        H.Receive(plain, MessageId.Request, 0, 0, Blocks.Size);
        Assert.That(Take(fast), Is.EqualTo(new[] { PeerCommand.Reject(new BlockRequest(0, 0, Blocks.Size)) }), "BEP 6");
        Assert.That(Take(plain), Is.Empty, "BEP 3: a choked peer's requests are dropped");
    }

    [Test]
    public void ARequestForAPieceWeLackIsRejected()
    {
        using var h = new LoopHarness(new EngineOptions { UploadSlots = 4 });
        var peer = h.Join();
        h.Receive(peer, MessageId.Interested);
        h.Loop.OnTick(Now);
        Take(peer);
        h.Receive(peer, MessageId.Request, 2, 0, Blocks.Size);
        Assert.That(Take(peer), Is.EqualTo(new[] { PeerCommand.Reject(new BlockRequest(2, 0, Blocks.Size)) }));
    }

    [TestCase(0, 0, Blocks.Size + 1, TestName = "over 16 KiB")]
    [TestCase(3, Blocks.Size, 101, TestName = "past the end of the short last piece")]
    [TestCase(0, -1, 10, TestName = "a negative offset")]
    public void ARequestNoHonestClientSendsClosesTheConnection(int piece, int begin, int length)
    {
        var peer = InterestedLeecher();
        H.Receive(peer, MessageId.Request, piece, begin, length);
        Assert.That(Take(peer).Single().Kind, Is.EqualTo(CommandKind.Close));
        Assert.That(H.Loop.Peers, Is.Empty);
    }

    [Test]
    public void AFloodOfRequestsBeyondTheQueueIsRejected()
    {
        var peer = InterestedLeecher(servesPending: TorrentLoop.MaxQueuedServes);
        H.Receive(peer, MessageId.Request, 0, 0, Blocks.Size);
        Assert.That(Take(peer).Single().Kind, Is.EqualTo(CommandKind.Reject), "the writer holds 500 unsent blocks for it already");
    }

    [Test]
    public void ACancelWithdrawsAQueuedBlock()
    {
        var peer = InterestedLeecher();
        H.Receive(peer, MessageId.Cancel, 0, 0, Blocks.Size);
        Assert.That(Take(peer), Is.EqualTo(new[] { PeerCommand.Unserve(new BlockRequest(0, 0, Blocks.Size)) }));
    }

    [Test]
    public void AMetadataRequestIsAnsweredWithTheInfoDictionary()
    {
        var peer = H.Join(PeerFeatures.Fast | PeerFeatures.Extensions);
        Take(peer);
        H.Loop.OnExtensions(peer, ExtensionHandshake.Ours(null, null, null));
        var request = MetadataMessage.Request(0);
        H.Receive(peer, MessageId.Extended, ExtensionNames.UtMetadataId, payload: request.Encode());
        var answer = Take(peer).Single();
        Assert.That((answer.Kind, answer.Metadata!.Type), Is.EqualTo((CommandKind.Metadata, MetadataMessageType.Data)));
        Assert.That(answer.Metadata.Data.ToArray(), Is.EqualTo(H.Torrent.InfoBytes.ToArray()));
    }
}
