using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Seeding;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Demo;

/// <summary>What the demo swarm is made of.</summary>
public sealed record DemoSwarmOptions
{
    public long Size { get; init; } = 64L << 20;
    public bool MultiFile { get; init; }
    public int PieceLength { get; init; } = 256 * 1024;
    public int Seeders { get; init; } = 3;
    /// <summary>Add a seeder that sends corrupt blocks.</summary>
    public bool Liar { get; init; }
    /// <summary>No tracker: the peers find each other through a small DHT of in-process nodes (<see cref="DemoDht"/>).</summary>
    public bool Dht { get; init; }
}

/// <summary>
/// A complete swarm in this process, on 127.0.0.1, in a temporary folder: sample files and their
/// torrent, our own tracker (or, with <see cref="DemoSwarmOptions.Dht"/>, a small DHT), and seeders that are ordinary <see cref="TorrentEngine"/>s started on the
/// complete files (optionally one lying seeder). Disposing it stops everything and deletes the folder.
/// </summary>
public sealed class DemoSwarm : IAsyncDisposable
{
    private readonly List<TorrentEngine> _seeders = [];

    private DemoSwarm(string folder, TrackerServer? tracker, DemoDht? dht, SampleContent content, Torrent torrent, string torrentPath)
    {
        Folder = folder;
        Tracker = tracker;
        Dht = dht;
        Content = content;
        Torrent = torrent;
        TorrentPath = torrentPath;
    }

    public string Folder { get; }
    /// <summary>The demo's tracker; null in a DHT swarm.</summary>
    public TrackerServer? Tracker { get; }
    /// <summary>The demo's DHT; null in a tracker swarm.</summary>
    public DemoDht? Dht { get; }
    public SampleContent Content { get; }
    public Torrent Torrent { get; }
    public string TorrentPath { get; }
    public IReadOnlyList<TorrentEngine> Seeders => _seeders;

    /// <summary>Where a downloader should put its result (a file or a folder, like the content).</summary>
    public string DownloadPath => Path.Combine(Folder, "download", Content.Name);

    public static async Task<DemoSwarm> StartAsync(DemoSwarmOptions options, CancellationToken ct)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"metorrent-demo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        TrackerServer? tracker = null;
        DemoDht? dht = null;
        DemoSwarm? swarm = null;
        try
        {
            if (options.Dht)
                dht = await DemoDht.StartAsync(ct);
            else
                tracker = await TrackerServer.StartAsync(IPAddress.Loopback, 0, ct);
            string[] trackers = tracker is null ? [] : [tracker.HttpAnnounceUrl.ToString()];
            var content = await Task.Run(() => SampleContent.Create(Path.Combine(folder, "seed"), options.Size, options.MultiFile,
                options.PieceLength, trackers), ct);
            string torrentPath = Path.Combine(folder, content.Name + ".torrent");
            await File.WriteAllBytesAsync(torrentPath, content.TorrentBytes, ct);
            swarm = new DemoSwarm(folder, tracker, dht, content, Torrent.Parse(content.TorrentBytes), torrentPath);
            for (int i = 0; i < options.Seeders; i++)
                await swarm.AddSeederAsync(SeederQuirk.None, ct);
            if (options.Liar)
                await swarm.AddSeederAsync(SeederQuirk.CorruptBlocks, ct);
            await swarm.WaitForAnnouncesAsync(ct);
            return swarm;
        }
        catch
        {
            if (swarm is not null) await swarm.DisposeAsync();
            else
            {
                if (tracker is not null) await tracker.DisposeAsync();
                if (dht is not null) await dht.DisposeAsync();
                TryDelete(folder);
            }
            throw;
        }
    }

    /// <summary>Starts one more seeder on the sample files: an ordinary engine that listens and announces.</summary>
    internal async Task<TorrentEngine> AddSeederAsync(SeederQuirk quirk, CancellationToken ct)
    {
        var seeder = await TorrentEngine.StartAsync(Torrent, Content.Root, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UploadSlots = quirk == SeederQuirk.NeverUnchoke ? 0 : 64,
            ServeThrough = quirk is SeederQuirk.None or SeederQuirk.NeverUnchoke ? null
                : source => new MisbehavingBlockSource(source, quirk, Torrent.PieceLength),
        }, ct);
        _seeders.Add(seeder);
        if (Dht is not null)
            await Dht.ServeAsync(seeder, ct);
        return seeder;
    }

    /// <summary>The seeders announce on their own tasks; wait until the tracker lists them all (or the DHT accepted each).</summary>
    private async Task WaitForAnnouncesAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Dht is null ? Tracker!.PeerCount(Torrent.InfoHash) < _seeders.Count : !Dht.AllAnnounced)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the demo seeders did not reach the demo {(Dht is null ? "tracker" : "DHT")} within 10 s");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>True when the downloaded files equal the sample files byte for byte.</summary>
    public bool Verify(string downloadPath)
    {
        foreach (var (file, source) in Content.RealFiles(Content.Root))
        {
            string copy = Content.MultiFile ? SafePath.Combine(downloadPath, file.Path) : downloadPath;
            if (!File.Exists(copy) || !FilesEqual(source, copy))
                return false;
        }
        return true;
    }

    private static bool FilesEqual(string a, string b)
    {
        using var first = File.OpenRead(a);
        using var second = File.OpenRead(b);
        if (first.Length != second.Length) return false;
        var x = new byte[1 << 20];
        var y = new byte[1 << 20];
        int read;
        while ((read = first.Read(x)) > 0)
        {
            second.ReadExactly(y, 0, read);
            if (!x.AsSpan(0, read).SequenceEqual(y.AsSpan(0, read))) return false;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Dht is not null)
            await Dht.DisposeAsync();   // stops the seeders' lookups before the seeders
        foreach (var seeder in _seeders)
            await seeder.DisposeAsync();
        if (Tracker is not null)
            await Tracker.DisposeAsync();
        TryDelete(Folder);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
