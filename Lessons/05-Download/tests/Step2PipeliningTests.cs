using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Metainfo.Lesson;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Lesson.LessonDownload;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>Lesson 05, step 2 (05-download.pipelining): how many requests to keep in flight to a peer, and when to ask for more.</summary>
[Stage(5)]
public class Step2PipeliningTests
{
    private const int Block = 16 * 1024;

    [Test]
    public void KeepsTheQueueUntilAWholeWindowPassed()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        depth.Received(1 << 20, now: 100);
        Assert.That(depth.Current, Is.EqualTo(64), "100 ms is less than one 250 ms window: too early to measure a rate, keep the depth");
    }

    [Test]
    public void GrowsTheQueueForAFastPeer()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        depth.Received(100 << 20, now: 300);
        Assert.That(depth.Current, Is.EqualTo(500), "100 MiB in 0.3 s is thousands of blocks a second: as deep as allowed (max 500)");
    }

    [Test]
    public void ShrinksTheQueueForASlowPeer()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        depth.Received(Block, now: 1000);
        Assert.That(depth.Current, Is.EqualTo(8), "one block a second: one second of data is one request, but never fewer than min (8)");
    }

    [Test]
    public void SizesTheQueueToAboutOneSecondOfData()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        depth.Received(200 * Block, now: 1000);
        Assert.That(depth.Current, Is.EqualTo(200), "200 blocks in one second: keep 200 requests in flight (rate / Blocks.Size)");
    }

    [Test]
    public void SmoothsTheRateAcrossWindows()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        depth.Received(100 * Block, now: 1000);
        Assert.That(depth.Current, Is.EqualTo(100), "the first window (100 blocks in 1 s) sets the rate: 100 requests in flight");
        depth.Received(300 * Block, now: 2000);
        Assert.That(depth.Current, Is.EqualTo(180),
            "the rate is a moving average: 100 blocks/s, then a window of 300 blocks/s counts 40%: 0.6 × 100 + 0.4 × 300 = 180 " +
            "(one window alone is noisy; each window starts where the last one ended)");
    }

    [Test]
    public void FillsThePipelineUpToTheDepth()
    {
        var (state, peer, all) = OnePeer(pieces: 8);
        var buffer = new BlockRequest[64];
        int count = state.TopUp(peer, all, depth: 8, buffer);
        Assert.That(count, Is.EqualTo(8), "nothing is in flight yet: ask for 8 blocks at once (the depth), not one");
        Assert.That(buffer[..count].Distinct().Count(), Is.EqualTo(8), "8 different blocks");
        Assert.That(state.TopUp(peer, all, depth: 8, buffer), Is.Zero, "8 of 8 already in flight: nothing more to ask");
    }

    [Test]
    public void TopsUpWhenAQuarterOfTheQueueIsFree()
    {
        var (state, peer, all) = OnePeer(pieces: 8);
        var buffer = new BlockRequest[64];
        int count = state.TopUp(peer, all, depth: 8, buffer);
        var cancels = new List<(PeerRequests, BlockRequest)>();
        for (int i = 0; i < 2; i++)
            state.BlockReceived(peer, buffer[i].Piece, buffer[i].Begin, new byte[buffer[i].Length], cancels);
        Assert.That(state.TopUp(peer, all, depth: 8, buffer), Is.EqualTo(2), "2 of 8 blocks arrived (a quarter): ask for 2 more");
    }

    [Test]
    public void DoesNotAskForATrickle()
    {
        var (state, peer, all) = OnePeer(pieces: 64);
        var buffer = new BlockRequest[64];
        int count = state.TopUp(peer, all, depth: 64, buffer);
        state.BlockReceived(peer, buffer[0].Piece, buffer[0].Begin, new byte[buffer[0].Length], []);
        Assert.That(state.TopUp(peer, all, depth: 64, buffer), Is.Zero,
            "1 free slot of 64: wait until a quarter (16) is free; one request per block would mean one write per block");
    }

    private static (DownloadState State, PeerRequests Peer, Bitfield All) OnePeer(int pieces)
    {
        var torrent = SampleTorrent(LessonTorrent.Content(pieces * PieceLength));
        var state = new DownloadState(torrent, new Bitfield(torrent.PieceCount), random: new Random(5));
        var peer = state.AddPeer(new PeerRecord(IPEndPoint.Parse("127.0.0.1:6881")));
        var all = new Bitfield(torrent.PieceCount);
        all.SetAll();
        return (state, peer, all);
    }
}
