using System.Net;
using System.Net.Sockets;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Cli;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using MeTorrent.Tracker.Server;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>`metorrent seed` and `download --seed` as real processes on the host's 127.0.0.1, and their errors.</summary>
[Stage(6)]
[NonParallelizable] // each test starts a process and hashes a few MiB; the machine has few cores
public class SeedCommandTests
{
    private static async Task<TorrentEngine> LeechAsync(Torrent torrent, string output, IPEndPoint seeder, CancellationToken ct) =>
        await TorrentEngine.StartAsync(torrent, output, FastOptions(seeder), ct);

    [Test]
    public async Task SeedsAMultiFileTorrentUntilCtrlC()
    {
        using var folder = SeedFolder.Create();
        using var deadline = Deadline(90);
        var (seed, port) = await SeedProcess.StartAsync(["seed", "--no-tracker", "--port", "0", folder.TorrentPath, folder.Data]);
        using (seed)
        {
            Assert.That(seed.Output, Does.Contain($"on port {port}"));
            string output = Path.Combine(folder.Root, "got");
            await using (var leecher = await LeechAsync(folder.Torrent, output, new IPEndPoint(IPAddress.Loopback, port), deadline.Token))
                await leecher.Completion.WaitAsync(deadline.Token);
            Assert.That(folder.Difference(output), Is.Null, "the download from `metorrent seed` is byte-exact");

            var (exitCode, errors) = await seed.StopAsync("INT");
            Assert.That(exitCode, Is.EqualTo(130), errors);
            Assert.That(errors, Does.Contain($"all {folder.Torrent.PieceCount} pieces verified"));
            Assert.That(errors.TrimEnd(), Does.EndWith("metorrent seed: interrupted"));
            Assert.That(errors, Does.Not.Contain("   at "), "no stack trace");
        }
    }

    [Test]
    public async Task PrintsAPlainStatusLineWhenNotOnATerminal()
    {
        using var folder = SeedFolder.Create();
        var (seed, port) = await SeedProcess.StartAsync(["seed", "--no-tracker", "--port", "0", folder.TorrentPath, folder.Data]);
        using (seed)
        {
            using var deadline = Deadline(30);
            await WaitUntilAsync(() => seed.Errors.Contains("uploaded"), deadline.Token);   // every 5 s
            var (_, errors) = await seed.StopAsync("TERM");
            string status = errors.Split('\n').First(l => l.Contains("uploaded"));
            Assert.That(status, Does.Match(@"^seeding 1\.3 MiB  0 peers  uploaded 0 B  0 B/s$"), "peers, uploaded, rate; plain (no \\r) when standard error is not a terminal");
        }
    }

    [Test]
    public async Task DialsThePeersItsTrackerLists()
    {
        // A leecher that never dials (as Transmission on 127.0.0.1): it only announces and listens.
        using var deadline = Deadline(60);
        await using var tracker = await TrackerServer.StartAsync(IPAddress.Loopback, 0, deadline.Token);
        using var folder = SeedFolder.Create(trackers: [tracker.HttpAnnounceUrl.ToString()]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int leecherPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient();
        var announcer = new HttpTrackerClient(tracker.HttpAnnounceUrl, http);
        await announcer.AnnounceAsync(new AnnounceRequest(folder.Torrent.InfoHash, PeerId.Generate(), leecherPort)
            { Left = folder.Torrent.TotalLength, Event = AnnounceEvent.Started }, deadline.Token);

        var (seed, _) = await SeedProcess.StartAsync(["seed", "--port", "0", folder.TorrentPath, folder.Data]);
        using (seed)
        {
            using var socket = await listener.AcceptSocketAsync(deadline.Token);
            await using var connection = await PeerConnection.AcceptAsync(socket, hash => hash == folder.Torrent.InfoHash, PeerId.Generate(),
                new PeerConnectionOptions { PieceCount = folder.Torrent.PieceCount }, deadline.Token);
            var first = await connection.ReceiveAsync(deadline.Token);
            Assert.That(first.Id, Is.AnyOf(MessageId.Bitfield, MessageId.HaveAll), "the seeder dialled us and offered its pieces");
            Assert.That(connection.PeerPieces.IsComplete, Is.True);
            Assert.That(tracker.PeerCount(folder.Torrent.InfoHash), Is.EqualTo(2), "the seeder announced itself too");
            var (exitCode, errors) = await seed.StopAsync();
            Assert.That(exitCode, Is.EqualTo(130), errors);
            Assert.That(tracker.PeerCount(folder.Torrent.InfoHash), Is.EqualTo(1), "on Ctrl-C the seeder announced `stopped` and left the tracker's list");
        }
    }

    [Test]
    public async Task SeedsWhatVerifiesAndSaysHowMuch()
    {
        using var folder = SeedFolder.Create();
        string damaged = Path.Combine(folder.Data, "top.bin");
        byte[] bytes = File.ReadAllBytes(damaged);
        bytes[500_000] ^= 0xFF;   // one piece in the middle of top.bin
        File.WriteAllBytes(damaged, bytes);
        var (seed, port) = await SeedProcess.StartAsync(["seed", "--no-tracker", "--port", "0", folder.TorrentPath, folder.Data]);
        using (seed)
        {
            int all = folder.Torrent.PieceCount;
            using var deadline = Deadline(30);
            await WaitUntilAsync(() => seed.Errors.Contains("verified"), deadline.Token);
            Assert.That(seed.Errors, Does.Contain($"{all - 1} of {all} pieces verified").And.Contain("the other 1 are missing or damaged"));
            await using var peer = await PeerConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), folder.Torrent.InfoHash, PeerId.Generate(),
                new PeerConnectionOptions { PieceCount = all }, deadline.Token);
            await peer.ReceiveAsync(deadline.Token);
            Assert.That(peer.PeerPieces.SetCount, Is.EqualTo(all - 1), "it offers exactly the pieces that verified");
            Assert.That(File.ReadAllBytes(damaged), Is.EqualTo(bytes), "the damaged file is left as it was");
        }
    }

    [Test]
    public async Task MissingDataIsAOneLineError()
    {
        using var folder = SeedFolder.Create();
        File.Delete(Path.Combine(folder.Data, "a/b/c/deep.bin"));
        var result = await CliRunner.RunAsync("seed", "--no-tracker", "--port", "0", folder.TorrentPath, folder.Data);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith("metorrent seed: missing data: ").And.Contain("deep.bin does not exist"));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(folder.Data, "a/b/c/deep.bin")), Is.False, "nothing is created in the data folder");

        var none = await CliRunner.RunAsync("seed", folder.TorrentPath, Path.Combine(folder.Root, "nowhere"));
        Assert.That(none.Errors, Does.StartWith("metorrent seed: no data at "));
        Assert.That(Directory.Exists(Path.Combine(folder.Root, "nowhere")), Is.False);
    }

    [Test]
    public async Task DataOfAnotherTorrentIsRefused()
    {
        using var folder = SeedFolder.Create();
        using var other = SeedFolder.Create(seed: 7);   // same names and sizes, other bytes
        var result = await CliRunner.RunAsync("seed", "--no-tracker", "--port", "0", folder.TorrentPath, other.Data);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Errors);
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent seed: none of the {folder.Torrent.PieceCount} pieces in {other.Data} match the torrent's hashes: not this torrent's data"));
    }

    [Test]
    public async Task AFileLongerThanTheTorrentsIsRefusedAndLeftAlone()
    {
        using var folder = SeedFolder.Create();
        string path = Path.Combine(folder.Data, "z/last.bin");
        File.AppendAllText(path, "tail");
        var result = await CliRunner.RunAsync("seed", "--no-tracker", "--port", "0", folder.TorrentPath, folder.Data);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Contain("has 77781 bytes but the torrent's file has 77777"));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(77_781), "seed never cuts the user's file");
    }

    [Test]
    public async Task DownloadWithSeedKeepsServingAfterCompletion()
    {
        using var folder = SeedFolder.Create();
        using var deadline = Deadline(90);
        var original = await TorrentEngine.StartAsync(folder.Torrent, folder.Data,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, deadline.Token);
        string middle = Path.Combine(folder.Root, "middle");
        (SeedProcess, int) started;
        await using (original)
            started = await SeedProcess.StartAsync(["download", "--seed", "--port", "0", "-o", middle, folder.TorrentPath,
                "--peer", original.ListenEndPoint!.ToString(), "--quiet"]);
        var (downloader, port) = started;
        using (downloader)
        {
            Assert.That(downloader.Output, Does.Contain("Downloaded ").And.Contain("until Ctrl-C"));
            // The original seeder is gone: the last leecher can get the data only from `download --seed`.
            string last = Path.Combine(folder.Root, "last");
            await using (var leecher = await LeechAsync(folder.Torrent, last, new IPEndPoint(IPAddress.Loopback, port), deadline.Token))
                await leecher.Completion.WaitAsync(deadline.Token);
            Assert.That(folder.Difference(last), Is.Null);
            var (exitCode, errors) = await downloader.StopAsync();
            Assert.That(exitCode, Is.EqualTo(130), errors);
        }
    }
}
