using MeTorrent.Bencode;
using MeTorrent.Tests.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>
/// What `metorrent info` (and every command that reads a .torrent) does with files that are not
/// torrents, or torrents written to attack the terminal: one clear line, never a crash.
/// </summary>
[Stage(2)]
public class TorrentInputTests
{
    private string _folder = null!;

    [SetUp]
    public void MakeFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"mt-input-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task AnEndlessDeviceIsRefusedWithoutReadingItAll()
    {
        // /dev/zero says it is 0 bytes long and never ends: reading it whole ran out of memory.
        Assume.That(File.Exists("/dev/zero"), "needs /dev/zero");
        var result = await CliRunner.RunAsync("info", "/dev/zero");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo("metorrent info: /dev/zero is larger than 134217728 bytes: not a torrent"));
    }

    [Test]
    public async Task AnEmptyFileIsCalledEmpty()
    {
        string empty = Path.Combine(_folder, "empty.torrent");
        File.WriteAllBytes(empty, []);
        var result = await CliRunner.RunAsync("info", empty);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent info: {empty} is empty: not a torrent"));
    }

    [Test]
    public async Task BinaryGarbageAndTruncatedTorrentsAreOneLine()
    {
        var garbage = new byte[100_000];
        new Random(5).NextBytes(garbage);
        garbage[0] = 0xCC;
        string garbagePath = Path.Combine(_folder, "garbage.torrent");
        File.WriteAllBytes(garbagePath, garbage);
        var result = await CliRunner.RunAsync("info", garbagePath);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent info: {garbagePath}: Not a valid torrent file: Invalid bencode at byte 0: expected 'i', 'l', 'd' or a digit, found byte 0xcc"));

        byte[] whole = TestTorrents.Wrap(TestTorrents.MultiFileInfo(16, 10));
        string truncated = Path.Combine(_folder, "truncated.torrent");
        for (int length = 1; length < whole.Length; length += 7)
        {
            File.WriteAllBytes(truncated, whole[..length]);
            var cut = await CliRunner.RunAsync("info", truncated);
            Assert.That(cut.ExitCode, Is.EqualTo(1), $"cut at {length}");
            Assert.That(cut.Errors, Does.StartWith($"metorrent info: {truncated}: "), $"cut at {length}");
            Assert.That(cut.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1), $"cut at {length}");
        }
    }

    [Test]
    public async Task ControlCharactersInFileNamesAreShownEscaped()
    {
        // A file name may hold terminal escape sequences (recolour, retitle the window) or a newline
        // that fakes another line of output; `info` must show them, not obey them.
        var info = TestTorrents.MultiFileInfo(16, 10, 10);
        var files = (BList)info["files"]!;
        ((BDictionary)files[0])["path"] = new BList([new BString("\u001b[31mred\u001b[0m")]);
        ((BDictionary)files[1])["path"] = new BList([new BString("two\nlines")]);
        string path = Path.Combine(_folder, "escapes.torrent");
        File.WriteAllBytes(path, TestTorrents.Wrap(info));

        var result = await CliRunner.RunAsync("info", path);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.Contain("\\x1b[31mred\\x1b[0m").And.Contain("two\\nlines"));
        Assert.That(result.Output, Does.Not.Contain("\u001b"));
    }

    [Test]
    public async Task ControlCharactersInErrorMessagesAreShownEscaped()
    {
        var info = TestTorrents.MultiFileInfo(16, 10);
        ((BDictionary)((BList)info["files"]!)[0])["path"] = new BList([new BString("a\0\u001b]0;x\u0007")]);
        string path = Path.Combine(_folder, "nul.torrent");
        File.WriteAllBytes(path, TestTorrents.Wrap(info));

        var result = await CliRunner.RunAsync("info", path);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Contain("a NUL character").And.Contain("a\\x00\\x1b]0;x\\x07"));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Errors.Any(c => char.IsControl(c) && c is not '\n' and not '\r'), Is.False);
    }
}
