using System.Diagnostics;
using System.Globalization;
using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Benchmarks;

/// <summary>
/// A long run in one process: a seeder, and three leecher slots that churn — each downloads the torrent
/// from the seeder, and one download in three is stopped part way (a peer leaving), its files deleted,
/// and a new one started. Every <c>every</c> the process's RSS, managed heap, open files and threads are
/// printed: after the first minute they must stay flat, whatever the number of downloads so far.
/// </summary>
public static class Soak
{
    public static async Task RunAsync(TimeSpan duration, TimeSpan every, TextWriter output, CancellationToken ct)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"metorrent-soak-{Guid.NewGuid():N}");
        string source = Path.Combine(folder, "seed", "payload.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        SamplePayload.WriteFile(source, 64L << 20, 7);
        var torrent = Torrent.Parse(new TorrentBuilder(source) { PieceLength = 256 * 1024 }.Build());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        long completed = 0, stopped = 0, failed = 0;
        try
        {
            await using var seeder = await TorrentEngine.StartAsync(torrent, source,
                new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false, MaxPeers = 10 }, ct);
            var seederEndPoint = new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port);
            var slots = Enumerable.Range(0, 3).Select(slot => Task.Run(async () =>
            {
                var random = new Random(slot);
                for (int run = 0; !stop.IsCancellationRequested; run++)
                {
                    string output = Path.Combine(folder, $"leecher-{slot}-{run}.bin");
                    bool leaveEarly = random.Next(3) == 0;
                    try
                    {
                        await using (var leecher = await TorrentEngine.StartAsync(torrent, output,
                            new EngineOptions { Peers = [seederEndPoint], UseTrackers = false }, stop.Token))
                        {
                            var wait = leaveEarly ? Task.Delay(random.Next(100, 1500), stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
                            var first = await Task.WhenAny(leecher.Completion, wait);
                            if (first == leecher.Completion && leecher.Completion.IsCompletedSuccessfully)
                                Interlocked.Increment(ref completed);
                            else if (!stop.IsCancellationRequested)
                                Interlocked.Increment(ref stopped);
                        }
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                    }
                    catch (EngineException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    File.Delete(output);
                }
            })).ToList();

            output.WriteLine("minute  RSS MiB  managed MiB  open files  threads  downloads done / stopped early / failed");
            var clock = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(every, stop.Token); } catch (OperationCanceledException) { }
                using var self = Process.GetCurrentProcess();
                int openFiles = Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : -1;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalMinutes,6:F1}  {self.WorkingSet64 >> 20,7}  {GC.GetTotalMemory(false) >> 20,11}  {openFiles,10}  {self.Threads.Count,7}  {completed} / {stopped} / {failed}"));
            }
            await Task.WhenAll(slots);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
