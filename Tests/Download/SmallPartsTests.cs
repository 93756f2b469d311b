using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;
using MeTorrent.Download.Seeding;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>The engine's small helpers: queue sizing, upload slots, progress text.</summary>
[Stage(5)]
public class SmallPartsTests
{
    [Test]
    public void TheQueueHoldsAboutOneSecondOfThePeersRate()
    {
        var depth = new QueueDepth(8, 500, startTicks: 0);
        long now = 0;
        for (int i = 0; i < 40; i++)          // 10 s at 100 blocks per second
            depth.Received(25 * Blocks.Size, now += 250);
        Assert.That(depth.Current, Is.InRange(95, 105));
        for (int i = 0; i < 40; i++)          // a very fast peer: capped
            depth.Received(10_000 * Blocks.Size, now += 250);
        Assert.That(depth.Current, Is.EqualTo(500));
        for (int i = 0; i < 40; i++)          // a trickle: the minimum
            depth.Received(100, now += 250);
        Assert.That(depth.Current, Is.EqualTo(8));
    }

    [Test]
    public void TheUploadRateIsTheMeanOverEachIntervalSmoothed()
    {
        var rate = new UploadRate();
        Assert.That(rate.Update(0, 1_000), Is.Zero, "no interval yet");
        Assert.That(rate.Update(100_000, 2_000), Is.EqualTo(100_000), "the first interval sets it");
        Assert.That(rate.Update(100_000, 3_000), Is.EqualTo(50_000), "a quiet interval halves it, not more");
    }

    [Test]
    public void TheProgressLineShowsPercentRatePeersAndTimeLeft()
    {
        var sample = new ProgressSample(Done: 32L << 20, Total: 128L << 20, Received: 0, Peers: 3);
        string line = ProgressLine.Format(sample, bytesPerSecond: 16 << 20, withBar: true);
        Assert.That(line, Does.StartWith("[######..................]"));
        Assert.That(line, Does.Contain(" 25.0%").And.Contain("32.0 MiB of 128.0 MiB").And.Contain("16.0 MiB/s")
            .And.Contain("3 peers").And.Contain("ETA 6.0s"));
        Assert.That(ProgressLine.Format(sample with { Peers = 1 }, 0, withBar: false), Does.Not.Contain("[").And.Contain("1 peer").And.Not.Contain("ETA"));
    }

    [Test]
    public void AStalledDownloadSaysWhyInsteadOfWaitingSilently()
    {
        var sample = new ProgressSample(Done: 0, Total: 1 << 20, Received: 0, Peers: 0, Note: "waiting for peers: tracker refused");
        Assert.That(ProgressLine.Format(sample, 0, withBar: false), Does.EndWith("0 peers  (waiting for peers: tracker refused)"));
    }

    [TestCase(512, "512 B")]
    [TestCase(1536, "1.5 KiB")]
    [TestCase(64L << 20, "64.0 MiB")]
    [TestCase(3L << 30, "3.0 GiB")]
    public void SizesReadLikePeopleWriteThem(long bytes, string text) => Assert.That(Units.Bytes(bytes), Is.EqualTo(text));

    [Test]
    public void TheRateIsSmoothed()
    {
        var meter = new RateMeter();
        var t = DateTime.UnixEpoch;
        meter.Update(0, t);
        double first = meter.Update(10 << 20, t.AddSeconds(1));     // 10 MiB in the first second
        double later = meter.Update(10 << 20, t.AddSeconds(2));     // then nothing
        Assert.That(first, Is.GreaterThan(0).And.LessThanOrEqualTo(10 << 20));
        Assert.That(later, Is.GreaterThan(0).And.LessThan(first), "a pause lowers the rate gradually");
    }
}
