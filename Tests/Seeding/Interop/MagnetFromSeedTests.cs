using MeTorrent.Metainfo;
using MeTorrent.Tests.Download;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Seeding.Interop;

/// <summary>
/// Real clients given only a magnet link (no .torrent file) fetch the info dictionary (BEP 9) from
/// `metorrent seed`, the only peer that has it, then the data, byte for byte; inside a private network
/// namespace with only 127.0.0.1. libtorrent is told the seeder's address, qBittorrent reads it from the
/// link's x.pe; aria2c finds it through opentracker (aria2 takes peers from trackers only: it reads no x.pe).
/// </summary>
[TestFixture, Stage(6), Interop]
[NonParallelizable] // each test starts two or three programs; the machine has few cores
public sealed class MagnetFromSeedTests : WorkFolderTest
{
    private const int SeedPort = 6889;
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task LibtorrentFetchesTheMetadataAndTheDataFromMeTorrentSeed()
    {
        Tools.RequireLibtorrent();
        var payload = RealClientPayload.Create(Work);
        var torrent = Torrent.Load(payload.TorrentPath);
        string output = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        var (seed, port) = await SeedProcess.StartAsync(
            ["seed", "--no-tracker", "--port", SeedPort.ToString(), "--verbose", payload.TorrentPath, Path.Combine(payload.DataDirectory, payload.Name)], ns);
        using (seed)
        {
            // Only the info hash: libtorrent learns the name, the files and the pieces from the seeder.
            string link = $"magnet:?xt=urn:btih:{torrent.InfoHash.Hex}";
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_download.py");
            var result = ns.Run(Tools.SystemPython, [script, link, output, "6891", port.ToString()], DownloadTimeout);

            Assert.That(result.ExitCode, Is.Zero, $"libtorrent failed:\n{result}\nseed:\n{seed.Errors}");
            Assert.That(result.Output, Does.Contain("metadata received"), result.ToString());
            AssertSameFiles(payload, Path.Combine(output, payload.Name));
            Assert.That((await seed.StopAsync()).ExitCode, Is.EqualTo(130));
        }
    }

    [Test]
    public async Task Aria2FetchesTheMetadataAndTheDataFromMeTorrentSeed()
    {
        string aria2 = Tools.Require("aria2c", "aria2");
        var payload = RealClientPayload.Create(Work);
        string folder = Path.Combine(payload.DataDirectory, payload.Name);
        // The seeder's copy of the torrent names the tracker, so the seeder announces there; aria2 only gets the link.
        var builder = new TorrentBuilder(folder) { PieceLength = RealClientPayload.PieceLength, CreationDate = null };
        builder.Trackers.Add($"http://127.0.0.1:{OpenTracker.DefaultPort}/announce");
        string torrentPath = Path.Combine(Work, "announced.torrent");
        File.WriteAllBytes(torrentPath, builder.Build());
        var torrent = Torrent.Load(torrentPath);
        string output = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        using var tracker = OpenTracker.Start(ns, [torrent.InfoHash]);
        var (seed, _) = await SeedProcess.StartAsync(["seed", "--port", SeedPort.ToString(), "--verbose", torrentPath, folder], ns);
        using (seed)
        {
            string link = $"magnet:?xt=urn:btih:{torrent.InfoHash.Hex}&tr={Uri.EscapeDataString(tracker.HttpAnnounceUrl)}";
            var result = ns.Run(aria2, [
                $"--dir={output}", "--seed-time=0", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=6892", "--interface=127.0.0.1", "--disable-ipv6=true",
                "--file-allocation=none", "--summary-interval=0", "--console-log-level=notice", "--bt-save-metadata=false",
                link], DownloadTimeout);

            Assert.That(result.ExitCode, Is.Zero, $"aria2c failed:\n{result}\nseed:\n{seed.Errors}");
            AssertSameFiles(payload, Path.Combine(output, payload.Name));
            Assert.That((await seed.StopAsync()).ExitCode, Is.EqualTo(130));
        }
    }

    [Test]
    public async Task QbittorrentFetchesTheMetadataAndTheDataFromMeTorrentSeed()
    {
        var payload = RealClientPayload.Create(Work);
        var torrent = Torrent.Load(payload.TorrentPath);
        string output = Path.Combine(Work, "out");
        Directory.CreateDirectory(output);
        using var ns = NetworkNamespace.Create();
        var (seed, port) = await SeedProcess.StartAsync(
            ["seed", "--no-tracker", "--port", SeedPort.ToString(), "--verbose", payload.TorrentPath, Path.Combine(payload.DataDirectory, payload.Name)], ns);
        using (seed)
        {
            // qBittorrent (libtorrent inside) dials the link's x.pe; it becomes a seeder once it has fetched and downloaded everything.
            string link = $"magnet:?xt=urn:btih:{torrent.InfoHash.Hex}&x.pe=127.0.0.1:{port}";
            using (QbittorrentSeeder.Start(ns, payload.TorrentPath, output, readyTimeout: DownloadTimeout, magnetLink: link))
                AssertSameFiles(payload, Path.Combine(output, payload.Name));
            Assert.That((await seed.StopAsync()).ExitCode, Is.EqualTo(130));
        }
    }

    private static void AssertSameFiles(RealClientPayload payload, string downloaded)
    {
        Assert.Multiple(() =>
        {
            foreach (var (path, _) in RealClientPayload.Files)
            {
                string got = Path.Combine(downloaded, path);
                Assert.That(File.Exists(got), Is.True, $"{path} was not downloaded");
                if (File.Exists(got))
                    Assert.That(File.ReadAllBytes(got).AsSpan().SequenceEqual(File.ReadAllBytes(payload.SourceFile(path))), Is.True,
                        $"{path} differs from the seeded file");
            }
        });
    }
}
