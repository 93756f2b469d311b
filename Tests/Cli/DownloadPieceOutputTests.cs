using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`download_piece -o`: a bad output path is the user's error, found before any download, and never blamed on a peer.</summary>
[Stage(4)]
public class DownloadPieceOutputTests
{
    private static readonly TestTorrent Torrent = TestTorrent.Create(2 * 16384, 16384, seed: 3);
    private string _folder = null!;
    private string _torrentPath = null!;

    [SetUp]
    public void MakeFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"mt-piece-out-{Guid.NewGuid():N}");
        _torrentPath = Torrent.WriteTo(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task AFolderAsOutputIsRefusedBeforeConnecting()
    {
        await using var seeder = TestSeeder.Start(Torrent);
        var result = await CliRunner.RunAsync("download_piece", "-o", _folder, _torrentPath, "0", "--peer", seeder.EndPoint.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent download_piece: {_folder} is a folder; -o needs a file name"));
        Assert.That(seeder.Connections, Is.Zero);
    }

    [Test]
    public async Task TheTorrentItselfIsNeverOverwritten()
    {
        await using var seeder = TestSeeder.Start(Torrent);
        var result = await CliRunner.RunAsync("download_piece", "-o", _torrentPath, _torrentPath, "0", "--peer", seeder.EndPoint.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Does.EndWith("is the .torrent file itself; choose another output path"));
        Assert.That(File.ReadAllBytes(_torrentPath), Is.EqualTo(Torrent.TorrentBytes));

        string link = Path.Combine(_folder, "link.torrent");
        File.CreateSymbolicLink(link, _torrentPath);
        var viaLink = await CliRunner.RunAsync("download_piece", "-o", link, _torrentPath, "0", "--peer", seeder.EndPoint.ToString());
        Assert.That(viaLink.ExitCode, Is.EqualTo(1));
        Assert.That(File.ReadAllBytes(_torrentPath), Is.EqualTo(Torrent.TorrentBytes));
    }

    [Test]
    public async Task AnUnwritablePathIsNotBlamedOnThePeer()
    {
        // A regular file where a folder should be: the piece arrives, the write fails, and the
        // error says so instead of "no peer gave piece 0".
        await using var seeder = TestSeeder.Start(Torrent);
        string blocker = Path.Combine(_folder, "blocker");
        File.WriteAllText(blocker, "a file, not a folder");
        string output = Path.Combine(blocker, "piece0");
        var result = await CliRunner.RunAsync("download_piece", "-o", output, _torrentPath, "0", "--peer", seeder.EndPoint.ToString());
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent download_piece: cannot write {output}: "));
        Assert.That(result.Errors, Does.Not.Contain("no peer gave"));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(seeder.Connections, Is.EqualTo(1), "the piece is not fetched again from another peer");
    }

    [Test]
    public async Task ThePieceIndexIsAPlainNumber()
    {
        foreach (var index in new[] { " 1", "+1", "1.0", "0x1", "2" })
        {
            var result = await CliRunner.RunAsync("download_piece", "-o", Path.Combine(_folder, "p"), _torrentPath, index, "--peer", "127.0.0.1:1");
            Assert.That(result.ExitCode, Is.EqualTo(1), index);
            Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent download_piece: piece index must be 0..1, not \"{index}\""), index);
        }
    }
}
