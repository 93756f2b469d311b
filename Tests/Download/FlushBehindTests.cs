using MeTorrent.Download.Demo;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// Flush-behind: written data goes to the disk during the download, started by an amount written (so a fast
/// download ends with little to flush) or by time (so a slow one does not keep data unflushed for long).
/// </summary>
[Stage(5)]
public class FlushBehindTests
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    /// <summary>Waits up to 10 s for a condition that a background flush makes true.</summary>
    private static bool Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                return false;
            Thread.Sleep(10);
        }
        return true;
    }

    [Test]
    public void EnoughBytesWrittenStartAFlushWithoutWaitingForTheInterval()
    {
        int flushes = 0;
        using var behind = new FlushBehind(() => Interlocked.Increment(ref flushes), bytes: 1000, interval: Never);
        behind.Written(600);
        Thread.Sleep(200);
        Assert.That(Volatile.Read(ref flushes), Is.Zero, "600 bytes are below the threshold, and the interval is an hour");
        behind.Written(600);
        Assert.That(Eventually(() => behind.Unflushed == 0), Is.True, "1,200 bytes reach the threshold: flushed at once");
        Assert.That(Volatile.Read(ref flushes), Is.EqualTo(1));
    }

    [Test]
    public void ASlowTrickleIsFlushedWhenTheIntervalIsUp()
    {
        int flushes = 0;
        using var behind = new FlushBehind(() => Interlocked.Increment(ref flushes), bytes: 1L << 30, interval: TimeSpan.FromMilliseconds(50));
        behind.Written(10);
        Assert.That(Eventually(() => behind.Unflushed == 0), Is.True, "10 bytes, far below the threshold, wait only one interval");
        Assert.That(Volatile.Read(ref flushes), Is.EqualTo(1));
    }

    [Test]
    public void NothingWrittenMeansNoFlush()
    {
        int flushes = 0;
        using var behind = new FlushBehind(() => Interlocked.Increment(ref flushes), bytes: 1000, interval: TimeSpan.FromMilliseconds(20));
        Thread.Sleep(300);
        Assert.That(Volatile.Read(ref flushes), Is.Zero, "an fsync with nothing to write is still a journal commit");
    }

    [Test]
    public void BytesWrittenDuringAFlushWaitForTheNextOne()
    {
        using var flushing = new ManualResetEventSlim();
        using var finish = new ManualResetEventSlim();
        int flushes = 0;
        using var behind = new FlushBehind(() =>
        {
            if (Interlocked.Increment(ref flushes) == 1)
            {
                flushing.Set();
                finish.Wait();
            }
        }, bytes: 1000, interval: Never);
        behind.Written(1000);
        Assert.That(flushing.Wait(TimeSpan.FromSeconds(10)), Is.True, "the first flush started");
        behind.Written(300);   // may have missed the flush that is running
        finish.Set();
        Assert.That(Eventually(() => behind.Unflushed == 300), Is.True, "the first flush covers only the 1,000 bytes it started with");
        Thread.Sleep(100);
        Assert.That(behind.Unflushed, Is.EqualTo(300), "300 bytes are below the threshold: they wait");
        Assert.That(Volatile.Read(ref flushes), Is.EqualTo(1));
    }

    [Test]
    public void AFailingDiskIsRetriedOncePerIntervalAndTheBytesStayUnflushed()
    {
        int tries = 0;
        using var behind = new FlushBehind(() =>
        {
            Interlocked.Increment(ref tries);
            throw new IOException("No space left on device");
        }, bytes: 1000, interval: TimeSpan.FromMilliseconds(100));
        behind.Written(5000);
        Thread.Sleep(550);
        Assert.That(behind.Unflushed, Is.EqualTo(5000), "a failed flush flushed nothing");
        Assert.That(Volatile.Read(ref tries), Is.InRange(2, 8), "retried, but not in a tight loop");
    }

    [Test]
    public void TorrentStorageFlushesBehindAsPiecesAreWritten()
    {
        string folder = SwarmHelpers.TempFolder();
        try
        {
            string source = Path.Combine(folder, "source");
            SamplePayload.WriteFile(Path.Combine(source, "data.bin"), 64 * 1024, 7);
            var torrent = Torrent.Parse(SwarmHelpers.TorrentFor(Path.Combine(source, "data.bin"), 16 * 1024));
            var options = new StorageOptions { FlushAfterBytes = 32 * 1024, FlushInterval = Never };
            using var storage = TorrentStorage.Open(torrent, Path.Combine(folder, "out.bin"), options);
            byte[] data = File.ReadAllBytes(Path.Combine(source, "data.bin"));
            storage.WritePiece(0, data.AsSpan(0, 16 * 1024));
            Thread.Sleep(200);
            Assert.That(storage.UnflushedBytes, Is.EqualTo(16 * 1024), "one piece is below the threshold");
            storage.WritePiece(1, data.AsSpan(16 * 1024, 16 * 1024));
            Assert.That(Eventually(() => storage.UnflushedBytes == 0), Is.True, "two pieces reach it: flushed behind");
            storage.WritePiece(2, data.AsSpan(32 * 1024, 16 * 1024));
            storage.Flush();
            Assert.That(storage.UnflushedBytes, Is.Zero, "an explicit flush covers the rest");
        }
        finally
        {
            SwarmHelpers.Delete(folder);
        }
    }
}
