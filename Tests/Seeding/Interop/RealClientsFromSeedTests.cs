using MeTorrent.Metainfo;
using MeTorrent.Tests.Download;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Seeding.Interop;

/// <summary>
/// Real clients download a multi-file torrent (nested folders, an empty and a one-byte file, a short
/// last piece) from `metorrent seed` alone, inside a private network namespace with only 127.0.0.1,
/// and every file comes out byte for byte. opentracker introduces them (aria2 finds peers only through
/// trackers). Transmission never dials 127.0.0.1, so it gets data only because the seeder dials the
/// peers its tracker lists.
/// </summary>
[TestFixture, Stage(6), Interop]
[NonParallelizable] // each test starts two clients; the machine has few cores
public sealed class RealClientsFromSeedTests : WorkFolderTest
{
    private const int SeedPort = 6889;
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(60);

    private sealed record Swarm(NetworkNamespace Ns, OpenTracker Tracker, RealClientPayload Payload, string TorrentPath, Torrent Torrent, string Out) : IDisposable
    {
        public string DataFolder => Path.Combine(Payload.DataDirectory, Payload.Name);

        /// <summary>Where the client writes: the folder named like the torrent inside <see cref="Out"/>.</summary>
        public string Downloaded => Path.Combine(Out, Payload.Name);

        public Task<(SeedProcess Process, int Port)> StartSeedAsync(params string[] options) =>
            SeedProcess.StartAsync(["seed", "--port", SeedPort.ToString(), "--verbose", .. options, TorrentPath, DataFolder], Ns);

        public void Dispose()
        {
            Tracker.Dispose();
            Ns.Dispose();
        }
    }

    private Swarm Create()
    {
        var payload = RealClientPayload.Create(Work);
        var builder = new TorrentBuilder(Path.Combine(payload.DataDirectory, payload.Name)) { PieceLength = RealClientPayload.PieceLength, CreationDate = null };
        builder.Trackers.Add($"http://127.0.0.1:{OpenTracker.DefaultPort}/announce");
        byte[] bytes = builder.Build();
        string torrentPath = Path.Combine(Work, "announced.torrent");
        File.WriteAllBytes(torrentPath, bytes);
        var torrent = Torrent.Parse(bytes);
        string output = Path.Combine(Work, "out");
        Directory.CreateDirectory(output);
        var ns = NetworkNamespace.Create();
        try
        {
            return new Swarm(ns, OpenTracker.Start(ns, [torrent.InfoHash]), payload, torrentPath, torrent, output);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    [Test]
    public async Task Aria2DownloadsFromMeTorrentSeed()
    {
        string aria2 = Tools.Require("aria2c", "aria2");
        using var swarm = Create();
        var (seed, _) = await swarm.StartSeedAsync();
        using (seed)
        {
            var result = swarm.Ns.Run(aria2, [
                $"--dir={swarm.Out}", "--seed-time=0", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=6892", "--interface=127.0.0.1", "--disable-ipv6=true",
                "--file-allocation=none", "--summary-interval=0", "--console-log-level=warn", "--bt-save-metadata=false",
                swarm.TorrentPath], DownloadTimeout);
            Assert.That(result.ExitCode, Is.Zero, $"aria2c failed:\n{result}\nseed:\n{seed.Errors}");
            AssertSameFiles(swarm, emptyMayBeMissing: false);
            await AssertStopsCleanlyAsync(seed);
        }
    }

    [Test]
    public async Task LibtorrentDownloadsFromMeTorrentSeed()
    {
        Tools.RequireLibtorrent();
        using var swarm = Create();
        var (seed, port) = await swarm.StartSeedAsync();
        using (seed)
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_download.py");
            var result = swarm.Ns.Run(Tools.SystemPython, [script, swarm.TorrentPath, swarm.Out, "6891", port.ToString()], DownloadTimeout);
            Assert.That(result.ExitCode, Is.Zero, $"libtorrent failed:\n{result}\nseed:\n{seed.Errors}");
            AssertSameFiles(swarm, emptyMayBeMissing: false);
            await AssertStopsCleanlyAsync(seed);
        }
    }

    /// <summary>
    /// libtorrent set to dial with message stream encryption only: offered plaintext or RC4 after the
    /// handshake (aria2 and libtorrent dial so by default), the seed serves in plaintext; offered RC4 only
    /// (qBittorrent and Transmission), in RC4.
    /// </summary>
    [TestCase("--encrypted", "plaintext after it")]
    [TestCase("--rc4", "RC4")]
    public async Task LibtorrentRequiringAnEncryptedHandshakeDownloadsFromMeTorrentSeed(string level, string served)
    {
        Tools.RequireLibtorrent();
        using var swarm = Create();
        var (seed, port) = await swarm.StartSeedAsync();
        using (seed)
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_download.py");
            var result = swarm.Ns.Run(Tools.SystemPython, [script, swarm.TorrentPath, swarm.Out, "6891", port.ToString(), level], DownloadTimeout);
            Assert.That(result.ExitCode, Is.Zero, $"libtorrent failed:\n{result}\nseed:\n{seed.Errors}");
            AssertSameFiles(swarm, emptyMayBeMissing: false);
            AssertEncrypted(seed.Errors, served);
            await AssertStopsCleanlyAsync(seed);
        }
    }

    /// <summary>
    /// A seed with --encryption require takes only encrypted handshakes with RC4 after them. libtorrent, as it
    /// comes (it dials with MSE first, offering plaintext or RC4), still downloads, in RC4.
    /// </summary>
    [Test]
    public async Task LibtorrentAsItComesDownloadsFromASeedThatRequiresEncryption()
    {
        Tools.RequireLibtorrent();
        using var swarm = Create();
        var (seed, port) = await swarm.StartSeedAsync("--encryption", "require");
        using (seed)
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_download.py");
            var result = swarm.Ns.Run(Tools.SystemPython, [script, swarm.TorrentPath, swarm.Out, "6891", port.ToString()], DownloadTimeout);
            Assert.That(result.ExitCode, Is.Zero, $"libtorrent failed:\n{result}\nseed:\n{seed.Errors}");
            AssertSameFiles(swarm, emptyMayBeMissing: false);
            AssertEncrypted(seed.Errors, "RC4");
            Assert.That(seed.Errors, Does.Not.Contain("plaintext after it"), seed.Errors);
            await AssertStopsCleanlyAsync(seed);
        }
    }

    /// <summary>
    /// The connection that carried the data was encrypted as <paramref name="method"/> says: libtorrent's dial,
    /// answered, or the seed's own dial to libtorrent's listening port (the seed dials the peers the tracker lists).
    /// </summary>
    private static void AssertEncrypted(string seedLog, string method) =>
        Assert.That(seedLog, Does.Match($@"(encrypted handshake \(MSE\) answered|dialled with an encrypted handshake \(MSE\)), {method}"), seedLog);

    [Test]
    public async Task QbittorrentDownloadsFromMeTorrentSeed()
    {
        using var swarm = Create();
        var (seed, _) = await swarm.StartSeedAsync();
        using (seed)
        {
            // Started on an empty folder, qBittorrent becomes a seeder only once it has downloaded everything.
            using var client = QbittorrentSeeder.Start(swarm.Ns, swarm.TorrentPath, swarm.Out, readyTimeout: DownloadTimeout);
            AssertSameFiles(swarm, emptyMayBeMissing: false);
            await AssertStopsCleanlyAsync(seed);
        }
    }

    [Test]
    public async Task TransmissionDownloadsFromMeTorrentSeed()
    {
        using var swarm = Create();
        // Transmission first: it announces, and the seeder finds it in the tracker's list and dials it
        // (Transmission itself never dials a 127.0.0.1 peer).
        // Complete, it refuses every 127.0.0.1 handshake (the seeder is one), so no handshake probe at the end.
        var client = Task.Run(() => TransmissionSeeder.Start(swarm.Ns, swarm.TorrentPath, swarm.Out, readyTimeout: DownloadTimeout,
            probeHandshake: false));
        var announced = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!swarm.Ns.Run("transmission-remote", ["127.0.0.1:9091", "-t", "all", "-it"], TimeSpan.FromSeconds(15)).Output.Contains("Got a list"))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(announced), "Transmission did not announce within 60 s");
            Assert.That(client.IsFaulted, Is.False, () => client.Exception!.ToString());
            await Task.Delay(200);
        }
        var (seed, _) = await swarm.StartSeedAsync();
        using (seed)
        {
            using var transmission = await client;
            AssertSameFiles(swarm, emptyMayBeMissing: true);   // Transmission never creates empty files
            Assert.That(seed.Errors, Does.Contain("(outgoing)"), "the seeder dialled Transmission");
            await AssertStopsCleanlyAsync(seed);
        }
    }

    private static async Task AssertStopsCleanlyAsync(SeedProcess seed)
    {
        var (exitCode, errors) = await seed.StopAsync();
        Assert.That(exitCode, Is.EqualTo(130), errors);
    }

    private static void AssertSameFiles(Swarm swarm, bool emptyMayBeMissing)
    {
        Assert.Multiple(() =>
        {
            foreach (var (path, length) in RealClientPayload.Files)
            {
                string got = Path.Combine(swarm.Downloaded, path);
                if (length == 0 && emptyMayBeMissing && !File.Exists(got)) continue;
                Assert.That(File.Exists(got), Is.True, $"{path} was not downloaded");
                if (!File.Exists(got)) continue;
                Assert.That(File.ReadAllBytes(got).AsSpan().SequenceEqual(File.ReadAllBytes(swarm.Payload.SourceFile(path))), Is.True,
                    $"{path} differs from the seeded file");
            }
        });
    }
}
