using System.Net;
using MeTorrent.Download;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker;
using NUnit.Framework;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Peer;

/// <summary>`metorrent handshake` and `metorrent download_piece` against the in-process <see cref="TestSeeder"/>.</summary>
[TestFixture, Stage(4)]
public class PeerCommandTests
{
    private static readonly TestTorrent Torrent = TestTorrent.Create(3 * 32768 + 5000, 32768, seed: 11);
    private string _folder = null!;
    private string _torrentPath = null!;

    [SetUp]
    public void MakeFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"mt-peer-cli-{Guid.NewGuid():N}");
        _torrentPath = Torrent.WriteTo(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Output, string Errors)> Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int exit = await Program.RunAsync(args, output, errors, deadline.Token);
        return (exit, output.ToString(), errors.ToString());
    }

    [Test]
    public async Task HandshakePrintsThePeerId()
    {
        await using var seeder = TestSeeder.Start(Torrent);
        var (exit, output, _) = await Run("handshake", _torrentPath, seeder.EndPoint.ToString());
        Assert.That(exit, Is.Zero);
        Assert.That(output.Trim(), Is.EqualTo($"Peer ID: {Convert.ToHexStringLower(seeder.PeerId)}"));
    }

    [Test]
    public async Task HandshakeVerboseNamesTheClient()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { Fast = true });
        var (_, output, _) = await Run("handshake", "-v", _torrentPath, seeder.EndPoint.ToString());
        Assert.That(output, Does.Contain("Client: -TS0001-").And.Contain("Fast"));
    }

    [Test]
    public async Task HandshakeWithAWrongInfoHashIsOneLineOnStderr()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { WrongInfoHash = true });
        var (exit, _, errors) = await Run("handshake", _torrentPath, seeder.EndPoint.ToString());
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors.Trim(), Does.StartWith("metorrent handshake: peer broke the protocol: ").And.Contain("answered for torrent").And.Not.Contain("\n"));
    }

    [TestCase("nonsense")]
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.1:0")]
    public async Task HandshakeRejectsABadAddress(string address)
    {
        var (exit, _, errors) = await Run("handshake", _torrentPath, address);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("is not a peer address"));
    }

    [TestCase(0)]
    [TestCase(3)] // the short last piece
    public async Task DownloadPieceWritesTheVerifiedPiece(int index)
    {
        await using var seeder = TestSeeder.Start(Torrent);
        string output = Path.Combine(_folder, "out", $"piece-{index}");
        var (exit, stdout, errors) = await Run("download_piece", "-o", output, _torrentPath, index.ToString(), "--peer", seeder.EndPoint.ToString());
        Assert.That(exit, Is.Zero, errors);
        Assert.That(stdout.Trim(), Is.EqualTo($"Piece {index} downloaded to {output}."));
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(Torrent.Piece(index).ToArray()));
    }

    [Test]
    public async Task DownloadPieceTriesTheNextPeerWhenOneFails()
    {
        await using var liar = TestSeeder.Start(Torrent, new() { CorruptData = true });
        await using var quitter = TestSeeder.Start(Torrent, new() { DisconnectAfterBlocks = 1 });
        await using var good = TestSeeder.Start(Torrent);
        string output = Path.Combine(_folder, "piece");
        var (exit, _, errors) = await Run("download_piece", "-o", output, _torrentPath, "1",
            "--peer", liar.EndPoint.ToString(), "--peer", quitter.EndPoint.ToString(), "--peer", good.EndPoint.ToString());
        Assert.That(exit, Is.Zero, errors);
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(Torrent.Piece(1).ToArray()));
        Assert.That(liar.Connections + quitter.Connections + good.Connections, Is.EqualTo(3));
    }

    [Test]
    public async Task DownloadPieceFailsCleanlyWhenEveryPeerFails()
    {
        await using var liar = TestSeeder.Start(Torrent, new() { CorruptData = true });
        string output = Path.Combine(_folder, "piece");
        var (exit, _, errors) = await Run("download_piece", "-o", output, _torrentPath, "0", "--peer", liar.EndPoint.ToString());
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors.Trim(), Does.Contain("SHA-1").And.Not.Contain("\n"));
        Assert.That(File.Exists(output), Is.False, "nothing is written for a bad piece");
    }

    [TestCase("4")]
    [TestCase("-1")]
    [TestCase("x")]
    public async Task DownloadPieceRejectsABadIndex(string index)
    {
        var (exit, _, errors) = await Run("download_piece", "-o", Path.Combine(_folder, "p"), _torrentPath, index, "--peer", "127.0.0.1:1");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("piece index must be 0..3"));
    }

    [Test]
    public async Task DownloadPieceNeedsAnOutputPath()
    {
        var (exit, _, errors) = await Run("download_piece", _torrentPath, "0");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("-o"));
    }

    [Test]
    public async Task DownloadPieceAsksTheTrackerForPeers()
    {
        await using var tracker = await TrackerServer.StartAsync(IPAddress.Loopback, 0, default);
        var torrent = TestTorrent.Create(3 * 32768 + 5000, 32768, seed: 11, announce: tracker.HttpAnnounceUrl.ToString());
        string torrentPath = torrent.WriteTo(Path.Combine(_folder, "tracked"));
        await using var seeder = TestSeeder.Start(torrent);
        using var http = new HttpClient();
        await new HttpTrackerClient(tracker.HttpAnnounceUrl, http).AnnounceAsync(
            new AnnounceRequest(torrent.InfoHash, PeerId.Generate(), seeder.EndPoint.Port) { Event = AnnounceEvent.Started }, default);

        string output = Path.Combine(_folder, "piece");
        var (exit, _, errors) = await Run("download_piece", "-o", output, torrentPath, "2");
        Assert.That(exit, Is.Zero, errors);
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(torrent.Piece(2).ToArray()));
    }

    [Test]
    public async Task TheRealCommandDownloadsAPiece()
    {
        await using var seeder = TestSeeder.Start(Torrent);
        string output = Path.Combine(_folder, "piece-2");
        var result = MeTorrentCli.Run(["download_piece", "-o", output, _torrentPath, "2", "--peer", seeder.EndPoint.ToString()], TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(Torrent.Piece(2).ToArray()));
    }
}
