using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>
/// Attack: a peer that sends only keep-alives, choked or unchoked (issue 9: each keep-alive reset the
/// 30 s wait, so `download_piece` never gave up). `--timeout` bounds the time without a block; an honest
/// peer listed after the staller still delivers the piece.
/// </summary>
[Stage(4)]
public class DownloadPieceStallTests
{
    private static readonly TestTorrent Torrent = TestTorrent.Create(2 * 16384, 16384, seed: 5);
    private string _folder = null!;
    private string _torrentPath = null!;

    [SetUp]
    public void MakeFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"mt-piece-stall-{Guid.NewGuid():N}");
        _torrentPath = Torrent.WriteTo(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase(true, "it kept us choked")]
    [TestCase(false, "unchoked")]
    public async Task APeerSendingOnlyKeepAlivesIsGivenUpAfterTheTimeout(bool choked, string state)
    {
        await using var staller = TestSeeder.Start(Torrent, new() { KeepAliveOnly = true, NeverUnchoke = choked });
        var result = await CliRunner.RunAsync("download_piece", "-o", Path.Combine(_folder, "p"), _torrentPath, "0",
            "--peer", staller.EndPoint.ToString(), "--timeout", "2");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo(
            $"metorrent download_piece: no peer gave piece 0 (1 tried): peer {staller.EndPoint} sent no block for 2 s ({state}, 0 bytes received)"));
    }

    [Test]
    public async Task TheNextPeerDeliversAfterAStaller()
    {
        await using var staller = TestSeeder.Start(Torrent, new() { KeepAliveOnly = true });
        await using var honest = TestSeeder.Start(Torrent);
        string output = Path.Combine(_folder, "p");
        var result = await CliRunner.RunAsync("download_piece", "-o", output, _torrentPath, "1",
            "--peer", staller.EndPoint.ToString(), "--peer", honest.EndPoint.ToString(), "--timeout", "2");
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(Torrent.Piece(1).ToArray()));
    }
}
