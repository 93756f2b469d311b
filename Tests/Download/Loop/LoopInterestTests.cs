using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>The loop's decisions when a peer joins and tells us its pieces (BEP 3, BEP 6 have all / none).</summary>
[Stage(5)]
public class LoopInterestTests : LoopFixture
{
    [Test]
    public void AFastPeerHearsOurPiecesFirstEvenWhenWeHaveNone()
    {
        var peer = H.Join(PeerFeatures.Fast | PeerFeatures.Extensions);
        var commands = Take(peer);
        Assert.That(commands.Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Bitfield, CommandKind.ExtensionHandshake }),
            "bitfield (sent as have none) first, then the extension handshake (BEP 10 after BEP 3's bitfield)");
        Assert.That(commands[0].Pieces!.IsEmpty, Is.True);
    }

    [Test]
    public void APlainPeerGetsNoEmptyBitfield()
    {
        var peer = H.Join(PeerFeatures.None);
        Assert.That(Take(peer), Is.Empty, "BEP 3: a peer with nothing may skip the bitfield; without BEP 6 there is no have none");
    }

    [Test]
    public void ASeederSendsItsFullBitfield()
    {
        using var h = new LoopHarness(complete: true);
        var peer = h.Join(PeerFeatures.None);
        var bitfield = Take(peer).Single();
        Assert.That((bitfield.Kind, bitfield.Pieces!.IsComplete), Is.EqualTo((CommandKind.Bitfield, true)));
    }

    [Test]
    public void APeerWithPiecesWeLackMakesUsInterested()
    {
        var peer = H.Join();
        Take(peer);
        var bits = new Bitfield(H.Torrent.PieceCount) { [2] = true };
        H.Receive(peer, MessageId.Bitfield, payload: bits.ToBytes());
        Assert.That(Take(peer).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Interested }), "interested, and no request while it chokes us");
        Assert.That(H.State.InEndgame, Is.False);
    }

    [Test]
    public void APeerWithNothingWeLackLeavesUsUninterested()
    {
        var peer = H.Join();
        Take(peer);
        H.Receive(peer, MessageId.HaveNone);
        H.Receive(peer, MessageId.Unchoke);
        Assert.That(Take(peer), Is.Empty);
    }

    [Test]
    public void AHaveOfAPieceWeLackMakesUsInterestedOnce()
    {
        var peer = H.Join();
        Take(peer);
        H.Receive(peer, MessageId.Have, 1);
        H.Receive(peer, MessageId.Have, 2);
        Assert.That(Take(peer).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Interested }));
    }

    [Test]
    public void ALateBitfieldAddsOnlyWhatIsNew()
    {
        var peer = H.Join();
        H.Receive(peer, MessageId.Have, 0);
        var bits = new Bitfield(H.Torrent.PieceCount) { [0] = true, [3] = true };
        H.Receive(peer, MessageId.Bitfield, payload: bits.ToBytes());   // aria2 does this
        Assert.That(peer.Pieces.SetCount, Is.EqualTo(2));
        Assert.That(peer.IsClosed, Is.False, "interop wins over BEP 3's 'bitfield first'");
    }

    [Test]
    public void AnIncomingPeerBeyondMaxPeersIsClosed()
    {
        using var h = new LoopHarness(new EngineOptions { MaxPeers = 1 });
        h.Join(incoming: true);
        var second = h.Join(incoming: true);
        Assert.That(Take(second).Select(c => c.Kind), Is.EqualTo(new[] { CommandKind.Close }));
        Assert.That(h.Loop.Peers, Has.Count.EqualTo(1));
    }

    [Test]
    public void WithADhtNodeAPortMessageGoesToPeersThatSetTheDhtBit()
    {
        var heard = new List<System.Net.IPEndPoint>();
        using var h = new LoopHarness(new EngineOptions { DhtPort = () => 6999, DhtNodeHeard = heard.Add });
        var withDht = h.Join(PeerFeatures.Fast | PeerFeatures.Dht);
        var without = h.Join(PeerFeatures.Fast);
        Assert.That(Take(withDht), Does.Contain(new PeerCommand(CommandKind.Port, Piece: 6999)), "BEP 5: our node's UDP port");
        Assert.That(Take(without).Select(c => c.Kind), Does.Not.Contain(CommandKind.Port));

        h.Receive(withDht, MessageId.Port, 7001);
        Assert.That(heard, Is.EqualTo(new[] { new System.Net.IPEndPoint(withDht.Record.EndPoint.Address, 7001) }), "its node, to be pinged");
    }

    [Test]
    public void WithoutADhtNodeNoPortMessageIsSent()
    {
        var peer = H.Join(PeerFeatures.Fast | PeerFeatures.Dht);
        Assert.That(Take(peer).Select(c => c.Kind), Does.Not.Contain(CommandKind.Port));
    }
}
