using MeTorrent.Bencode;
using MeTorrent.Tests.Fixtures;
using MeTorrent.Tests.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

[Stage(2)]
public class InfoCommandTests
{
    private const string SampleInfo = """
        Tracker URL: http://bittorrent-test-tracker.codecrafters.io/announce
        Length: 92063
        Info Hash: d69f91e6b2ae4c542468d1073a71d4ea13879a7f
        Piece Length: 32768
        Piece Hashes:
        e876f67a2a8886e8f36b136726c30fa29703022d
        6e2275e604a0766656736e81ff10b55204ad8d35
        f00d937a0213df1982bc8d097227ad9e909acc17

        """;

    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("metorrent-info-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task PrintsTheCourseSummaryOfTheSampleTorrent()
    {
        var result = await CliRunner.RunAsync("info", Fixture.SampleTorrentPath);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output.ReplaceLineEndings("\n"), Is.EqualTo(SampleInfo.ReplaceLineEndings("\n")));
    }

    [Test]
    public async Task ListsTheFilesOfAMultiFileTorrent()
    {
        var info = TestTorrents.MultiFileInfo(16, 10, 6, 20);
        ((BDictionary)((BList)info["files"]!)[1])["attr"] = new BString("p");
        string path = Path.Combine(_folder, "multi.torrent");
        File.WriteAllBytes(path, TestTorrents.Wrap(info));

        var result = await CliRunner.RunAsync("info", path);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.Contain("Length: 36"));
        Assert.That(result.Output, Does.Contain("Name: folder"));
        Assert.That(result.Output, Does.Contain("            10  f0\n"));
        Assert.That(result.Output, Does.Contain("             6  f1  (padding)\n"));
    }

    [Test]
    public async Task ErrorsAreOneLineNamingTheFile()
    {
        string broken = Path.Combine(_folder, "broken.torrent");
        File.WriteAllText(broken, "d4:infod4:name1:xee");
        var result = await CliRunner.RunAsync("info", broken);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Is.EqualTo($"metorrent info: {broken}: Invalid torrent: \"piece length\" is missing from info or is not an integer.{Environment.NewLine}"));

        var missing = await CliRunner.RunAsync("info", Path.Combine(_folder, "nope.torrent"));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Errors, Does.StartWith("metorrent info: no such file:"));

        var folder = await CliRunner.RunAsync("info", _folder);
        Assert.That(folder.Errors, Does.Contain("is a folder, not a file"));

        var unsafePath = TestTorrents.MultiFileInfo(16, 10);
        ((BDictionary)((BList)unsafePath["files"]!)[0])["path"] = new BList([new BString(".."), new BString("x")]);
        File.WriteAllBytes(broken, TestTorrents.Wrap(unsafePath));
        var hostile = await CliRunner.RunAsync("info", broken);
        Assert.That(hostile.ExitCode, Is.EqualTo(1));
        Assert.That(hostile.Errors, Does.Contain("Unsafe file path in torrent: the path component \"..\""));
    }

    [Test]
    public void TheRealCliReadsATorrentFromStandardInput()
    {
        // The shell feeds the file to the real `metorrent` process's standard input.
        string command = $"exec \"{MeTorrentCli.Dotnet}\" \"{MeTorrentCli.AssemblyPath}\" info - < \"{Fixture.SampleTorrentPath}\"";
        var result = ProcessRunner.Run("bash", ["-c", command], TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Output.ReplaceLineEndings("\n"), Is.EqualTo(SampleInfo.ReplaceLineEndings("\n")));

        string garbage = Path.Combine(_folder, "garbage");
        File.WriteAllText(garbage, "this is not a torrent");
        var bad = ProcessRunner.Run("bash", ["-c", $"exec \"{MeTorrentCli.Dotnet}\" \"{MeTorrentCli.AssemblyPath}\" info - < \"{garbage}\""], TimeSpan.FromSeconds(60));
        Assert.That(bad.ExitCode, Is.EqualTo(1));
        Assert.That(bad.Errors.Trim(), Is.EqualTo("metorrent info: standard input: Not a valid torrent file: Invalid bencode at byte 0: expected 'i', 'l', 'd' or a digit, found 't'"));
    }

    [Test]
    public void TheRealCliExitCodes()
    {
        var ok = MeTorrentCli.Run(["info", Fixture.SampleTorrentPath], TimeSpan.FromSeconds(60));
        Assert.That(ok.ExitCode, Is.Zero, ok.ToString());
        Assert.That(ok.Output, Does.Contain("Info Hash: d69f91e6b2ae4c542468d1073a71d4ea13879a7f"));

        var missing = MeTorrentCli.Run(["info", Path.Combine(_folder, "missing.torrent")], TimeSpan.FromSeconds(60));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Errors.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");

        var usage = MeTorrentCli.Run(["info"], TimeSpan.FromSeconds(60));
        Assert.That(usage.ExitCode, Is.EqualTo(1));
        Assert.That(usage.Errors, Does.Contain("expected one .torrent file"));

        var unknown = MeTorrentCli.Run(["info", "--bogus", Fixture.SampleTorrentPath], TimeSpan.FromSeconds(60));
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Errors.Trim(), Is.EqualTo("metorrent info: unknown option --bogus"));
    }
}
