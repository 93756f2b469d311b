using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// Attack: 200 connections that complete a valid handshake and then only send keep-alives (issue 9,
/// "200 connections"). The half-open cap does not apply, these peers are past the handshake: it is the
/// engine's <see cref="EngineOptions.MaxPeers"/> check on accepted connections that must hang up on the
/// ones beyond the limit, or each would hold a session and its buffers for as long as it keeps talking.
/// </summary>
[Stage(6)]
[NonParallelizable] // 200 sockets and managed-memory figures: alone on the machine
public class EstablishedFloodTests
{
    private const int Flood = 200;
    private const int MaxPeers = 20;

    /// <summary>
    /// The seeder's managed memory may grow by at most this much while the 200 connections stay open: a session
    /// holds about 125 KiB, so 20 of them plus the flood's own sockets (this process holds both ends) come to about
    /// 4 MiB; without the cap, 200 sessions came to about 25 MiB.
    /// </summary>
    public const long MemoryBound = 10L << 20;

    [Test]
    public async Task TwoHundredIdleConnectionsStayWithinMaxPeersAndAnHonestLeecherGetsEveryByte()
    {
        using var folder = SeedFolder.Create(pieceLength: 32 * 1024);
        using var deadline = Deadline(120);
        await using var seeder = await TorrentEngine.StartAsync(folder.Torrent, folder.Data,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false, MaxPeers = MaxPeers }, deadline.Token);
        var address = new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port);
        long before = ManagedMemory();

        // The honest leecher connects first: a full seeder turns newcomers away, it does not evict (yet).
        string output = Path.Combine(folder.Root, "honest");
        var honest = await TorrentEngine.StartAsync(folder.Torrent, output,
            FastOptions(address), deadline.Token);
        while (seeder.Stats.ConnectedPeers == 0)
            await Task.Delay(20, deadline.Token);

        // 200 peers complete a valid handshake, a few at a time as real clients would, then only keep talking.
        var flood = new List<RawLeecher>();
        try
        {
            for (int i = 0; i < Flood; i += 10)
                flood.AddRange(await Task.WhenAll(Enumerable.Range(0, 10)
                    .Select(_ => RawLeecher.ConnectAsync(address, folder.Torrent.InfoHash, deadline.Token))));
            using var keepAlives = new CancellationTokenSource();
            var talking = KeepTalkingAsync(flood, keepAlives.Token);

            await honest.Completion.WaitAsync(deadline.Token);
            await honest.DisposeAsync();
            Assert.That(folder.Difference(output), Is.Null, "the honest leecher's data");
            await Task.Delay(1000, deadline.Token);   // every connection handed over, every session started
            long during = ManagedMemory();
            int connected = seeder.Stats.ConnectedPeers, peak = seeder.Stats.PeakPeers;
            keepAlives.Cancel();
            await talking;

            TestContext.Progress.WriteLine($"{Flood} connections: peak {peak} peers, {connected} connected; " +
                                           $"managed memory {before >> 10} KiB before, {during >> 10} KiB during");
            Assert.That(peak, Is.LessThanOrEqualTo(MaxPeers), "the most peers the seeder held at once");
            Assert.That(during - before, Is.LessThan(MemoryBound),
                $"managed memory grew by {(during - before) >> 10} KiB while {Flood} connections sat idle");
        }
        finally
        {
            await honest.DisposeAsync();
            foreach (var connection in flood)
                await connection.DisposeAsync();
        }
    }

    /// <summary>A keep-alive (four zero bytes) on every connection each second, the only thing they ever say.</summary>
    private static async Task KeepTalkingAsync(List<RawLeecher> connections, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var connection in connections)
            {
                try { await connection.SendAsync(new byte[4], ct); }
                catch (Exception e) when (e is IOException or ObjectDisposedException) { }   // the seeder hung up on it: as it should
                catch (OperationCanceledException) { return; }
            }
            try { await Task.Delay(1000, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Managed memory after a full collection: this process holds the seeder, the leecher and the flood's sockets.</summary>
    private static long ManagedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
