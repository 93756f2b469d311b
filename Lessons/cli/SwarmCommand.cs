using MeTorrent.Download.Demo;

namespace MeTorrent.Lessons.Cli;

/// <summary>
/// `swarm`: the demo's swarm (the project's own tracker and seeding peers, in this process, on 127.0.0.1)
/// kept running until Ctrl-C, for the lessons' "Run it" commands to talk to, plus a small DHT the seeders
/// announce themselves to. It writes the torrent to swarm.torrent (or -o PATH) and prints the tracker's URL,
/// the DHT node to bootstrap from and each seeder's address.
/// Until the CLI has a seeding command of its own, this is the course's local seeder.
/// </summary>
public static class SwarmCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string torrentPath = "swarm.torrent";
        int seeders = 2;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-o" when i + 1 < args.Length:
                    torrentPath = args[++i];
                    break;
                case "--seeders" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n is >= 1 and <= 8:
                    seeders = n;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("usage: swarm [-o swarm.torrent] [--seeders 1-8]   (a tracker, a DHT and seeders on 127.0.0.1 until Ctrl-C)");
                    return 2;
            }
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

        // 1 MiB in pieces of 256 KiB: four pieces, enough to see download_piece pick one.
        await using var swarm = await DemoSwarm.StartAsync(new DemoSwarmOptions { Size = 1 << 20, PieceLength = 256 * 1024, Seeders = seeders }, stop.Token);
        // Beside the tracker, a small DHT on 127.0.0.1 that the seeders announce themselves to (lesson 10's `dht get_peers`).
        // Declared after the swarm, so disposed before it: the seeders' DHT lookups stop before the seeders.
        await using var dht = await DemoDht.StartAsync(stop.Token);
        foreach (var seeder in swarm.Seeders)
            await dht.ServeAsync(seeder, stop.Token);
        await WaitForDhtAnnouncesAsync(dht, stop.Token);
        File.Copy(swarm.TorrentPath, torrentPath, overwrite: true);
        Console.WriteLine($"torrent: {torrentPath} ({swarm.Torrent.PieceCount} pieces of {swarm.Torrent.PieceLength} bytes, info hash {swarm.Torrent.InfoHash.Hex})");
        Console.WriteLine($"tracker: {swarm.Tracker!.HttpAnnounceUrl}");   // a swarm without --dht has its tracker
        Console.WriteLine($"dht: {dht.Entry}");
        foreach (var seeder in swarm.Seeders)
            Console.WriteLine($"seeder: {seeder.ListenEndPoint}");
        Console.WriteLine("Ctrl-C stops the swarm.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        File.Delete(torrentPath);
        return 0;
    }

    /// <summary>The seeders announce on their own tasks: wait until the DHT accepted each (10 s at most).</summary>
    private static async Task WaitForDhtAnnouncesAsync(DemoDht dht, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!dht.AllAnnounced)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the swarm's seeders did not reach the swarm's DHT within 10 s");
            await Task.Delay(20, ct);
        }
    }
}
