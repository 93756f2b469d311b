using MeTorrent.Metainfo;
using MeTorrent.Tests.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`create -o`: the output's folder is made if missing, and a failed write leaves nothing behind.</summary>
[Stage(2)]
public class CreateOutputTests
{
    private ContentFolder _content = null!;
    private string _source = "";

    [SetUp]
    public void CreateContent()
    {
        _content = new ContentFolder();
        _content.AddFile("share/one.bin", 40_000);
        _source = Path.Combine(_content.Root, "share");
    }

    [TearDown]
    public void DeleteContent() => _content.Dispose();

    [Test]
    public async Task TheOutputFolderIsCreated()
    {
        string target = Path.Combine(_content.Root, "new", "deeper", "share.torrent");
        var result = await CliRunner.RunAsync("create", "-o", target, _source);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(Torrent.Load(target).TotalLength, Is.EqualTo(40_000));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(target)!), Has.Length.EqualTo(1), "no temporary file left");
    }

    [Test]
    public async Task AFailedWriteIsOneLineAndLeavesNoFile()
    {
        // A regular file where the output's folder should be: nothing can be written there.
        string blocker = Path.Combine(_content.Root, "blocker");
        File.WriteAllText(blocker, "not a folder");
        string target = Path.Combine(blocker, "share.torrent");
        var result = await CliRunner.RunAsync("create", "-o", target, _source);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent create: cannot write {target}: "));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(blocker), Is.EqualTo("not a folder"));
    }

    [Test]
    public async Task ForceReplacesTheOldTorrentWhole()
    {
        string target = Path.Combine(_content.Root, "share.torrent");
        File.WriteAllText(target, "old");
        var refused = await CliRunner.RunAsync("create", "-o", target, _source);
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(File.ReadAllText(target), Is.EqualTo("old"));

        var forced = await CliRunner.RunAsync("create", "--force", "-o", target, _source);
        Assert.That(forced.ExitCode, Is.Zero, forced.Errors);
        Assert.That(Torrent.Load(target).TotalLength, Is.EqualTo(40_000));
        Assert.That(Directory.GetFiles(_content.Root), Is.EquivalentTo(new[] { target }), "no temporary file left");
    }
}
