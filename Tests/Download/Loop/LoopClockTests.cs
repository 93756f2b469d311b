using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>What the clock decides: dialling, dropping stalled or choking peers, keep-alives, giving up.</summary>
[Stage(5)]
public class LoopClockTests
{
    [Test]
    public void KnownPeersAreDialledUpToMaxPeers()
    {
        using var h = new LoopHarness(new EngineOptions { MaxPeers = 3 });
        h.Join();
        h.Loop.AddPeers(Enumerable.Range(0, 10).Select(i => new IPEndPoint(IPAddress.Loopback, 2000 + i)));
        h.Loop.OnTick(Now);
        h.Loop.OnTick(Now);
        Assert.That(h.Effects.Dialled, Has.Count.EqualTo(2), "one connection is open: two more, and no second dial while those are under way");
    }

    [Test]
    public void APeerThatStallsIsDroppedAndItsBlocksFreed()
    {
        using var h = new LoopHarness(new EngineOptions { StallTimeout = TimeSpan.FromSeconds(15) });
        var peer = h.JoinUnchokingSeeder();
        Take(peer);
        h.Loop.OnTick(Now + 16_000);
        Assert.That(Take(peer).Last().Kind, Is.EqualTo(CommandKind.Close));
        Assert.That(h.Loop.Peers, Is.Empty);
        var next = h.JoinUnchokingSeeder();
        Assert.That(Requests(Take(next)), Has.Count.EqualTo(14), "every block is free again");
    }

    [Test]
    public void APeerThatKeepsUsChokedIsDropped()
    {
        using var h = new LoopHarness(new EngineOptions { ChokeTimeout = TimeSpan.FromSeconds(60) });
        var peer = h.Join();
        h.Receive(peer, MessageId.HaveAll);
        Take(peer);
        h.Loop.OnTick(Now + 30_000);
        Assert.That(peer.IsClosed, Is.False);
        h.Loop.OnTick(Now + 61_000);
        Assert.That(Take(peer).Last().Reason, Does.Contain("kept us choked"));
    }

    [Test]
    public void AQuietConnectionGetsAKeepAlive()
    {
        using var h = new LoopHarness(complete: true);
        var peer = h.Join();
        Take(peer);
        h.Loop.OnTick(Now + 91_000);
        Assert.That(Take(peer).Select(c => c.Kind), Does.Contain(CommandKind.KeepAlive));
    }

    [Test]
    public void ADownloadWithNoProgressGivesUpWithAReason()
    {
        using var h = new LoopHarness(new EngineOptions { NoProgressTimeout = TimeSpan.FromSeconds(120) });
        h.Loop.OnTick(Now);
        h.Loop.OnTick(Now + 121_000);
        Assert.That(h.Effects.Failures.Single().Message, Is.EqualTo("no progress for 120 s: no peers found"));
    }

    [TestCase("the trackers returned none")]
    [TestCase("tracker http://127.0.0.1:1/announce: connection refused")]
    public void NoPeersFoundSaysWhatTheTrackersDid(string trouble)
    {
        using var h = new LoopHarness(new EngineOptions { NoProgressTimeout = TimeSpan.FromSeconds(120) });
        h.Effects.TrackerTrouble = trouble;
        h.Loop.OnTick(Now);
        h.Loop.OnTick(Now + 121_000);
        Assert.That(h.Effects.Failures.Single().Message, Is.EqualTo($"no progress for 120 s: no peers found ({trouble})"));
    }

    [Test]
    public void PexPeersJoinThePoolAndPexNewsGoesOut()
    {
        using var h = new LoopHarness();
        var a = h.Join(PeerFeatures.Fast | PeerFeatures.Extensions);
        var b = h.Join(PeerFeatures.Fast | PeerFeatures.Extensions);
        h.Loop.OnExtensions(a, ExtensionHandshake.Ours(null, 7000, null));
        var pex = new PexMessage([new PexPeer(new IPEndPoint(IPAddress.Loopback, 3001), PexFlags.Reachable)], []);
        h.Receive(a, MessageId.Extended, ExtensionNames.UtPexId, payload: pex.Encode());
        Assert.That(h.Loop.Pool.Count, Is.EqualTo(3), "two connected, one learnt through PEX (BEP 11)");
        Take(a);
        h.Loop.OnTick(Now);
        var sent = Take(a).Single(c => c.Kind == CommandKind.Pex).Pex!;
        Assert.That(sent.Added.Select(p => p.EndPoint), Is.EqualTo(new[] { b.Record.EndPoint }), "b, and never a itself");
    }
}
