using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>One MeTorrent seeder under load: many leechers at once, and a leecher that asks without reading.</summary>
[Stage(6)]
[NonParallelizable] // many engines or a separate process: the machine has few cores
public class SeederLoadTests
{
    /// <summary>The seeder's memory may grow by at most this much while a leecher floods it with requests it never reads.</summary>
    public const long FloodMemoryBound = 48L << 20;

    [Test]
    public async Task TwentyLeechersAtOnceEachGetEveryByte()
    {
        using var folder = SeedFolder.Create(pieceLength: 32 * 1024);
        using var deadline = Deadline(180);
        await using var seeder = await TorrentEngine.StartAsync(folder.Torrent, folder.Data,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, deadline.Token);
        var address = new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port);
        var outputs = Enumerable.Range(0, 20).Select(i => Path.Combine(folder.Root, $"leecher-{i:00}")).ToList();
        // Normal leecher options, so that a leecher waiting for an upload slot waits (it is not dropped after 1 s).
        var leechers = await Task.WhenAll(outputs.Select(output => TorrentEngine.StartAsync(folder.Torrent, output,
            new EngineOptions { Peers = [address], UseTrackers = false, NoProgressTimeout = TimeSpan.FromSeconds(60) }, deadline.Token)));
        try
        {
            await Task.WhenAll(leechers.Select(l => l.Completion)).WaitAsync(deadline.Token);
        }
        finally
        {
            foreach (var leecher in leechers)
                await leecher.DisposeAsync();
        }
        Assert.Multiple(() =>
        {
            foreach (string output in outputs)
                Assert.That(folder.Difference(output), Is.Null, output);
        });
        Assert.That(seeder.Stats.BytesUploaded, Is.GreaterThanOrEqualTo(20 * folder.Torrent.TotalLength), "every leecher got it all from the one seeder");
    }

    [Test]
    public async Task TenThousandRequestsWithoutReadingLeaveTheSeedersMemoryBounded()
    {
        if (!File.Exists("/proc/self/status"))
            Assert.Ignore("needs /proc to read the seeder's memory");
        using var folder = SeedFolder.Create(pieceLength: 32 * 1024);
        using var deadline = Deadline(120);
        var (seed, port) = await SeedProcess.StartAsync(["seed", "--no-tracker", "--port", "0", "--quiet", folder.TorrentPath, folder.Data]);
        using (seed)
        {
            var address = new IPEndPoint(IPAddress.Loopback, port);
            long before = Memory(seed.Id, "VmRSS");
            await using var flood = await RawLeecher.ConnectAsync(address, folder.Torrent.InfoHash, deadline.Token, receiveBuffer: 4096);
            await flood.InterestedUntilUnchokedAsync(deadline.Token);
            // 10,000 requests of 16 KiB (156 MiB of answers) in one write, and never a byte read again.
            int blocks = folder.Torrent.PieceCount * 2 - 2;
            var requests = Enumerable.Range(0, 10_000)
                .SelectMany(i => RawLeecher.Request(i % blocks / 2, i % 2 * 16384, 16384)).ToArray();
            await flood.SendAsync(requests, deadline.Token);

            // Meanwhile an honest leecher is still served in full.
            string output = Path.Combine(folder.Root, "honest");
            await using (var honest = await TorrentEngine.StartAsync(folder.Torrent, output, FastOptions(address), deadline.Token))
                await honest.Completion.WaitAsync(deadline.Token);
            Assert.That(folder.Difference(output), Is.Null);
            await Task.Delay(2000, deadline.Token);   // time to buffer answers, if the seeder did

            long peak = Memory(seed.Id, "VmHWM");
            TestContext.Progress.WriteLine($"seeder memory: {before >> 20} MiB before the flood, peak {peak >> 20} MiB");
            Assert.That(peak - before, Is.LessThan(FloodMemoryBound),
                $"the seeder's peak memory grew by {(peak - before) >> 20} MiB: it buffered answers to a leecher that does not read");
        }
    }

    /// <summary>A field of /proc/PID/status in bytes (VmRSS: resident now; VmHWM: the peak).</summary>
    private static long Memory(int pid, string field)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
