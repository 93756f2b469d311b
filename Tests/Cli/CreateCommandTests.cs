using MeTorrent.Download.Cli;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

[Stage(2)]
public class CreateCommandTests
{
    private ContentFolder _content = null!;
    private string _source = "";
    private string _out = "";

    [SetUp]
    public void CreateContent()
    {
        _content = new ContentFolder();
        _content.AddFile("share/one.bin", 50_000);
        _content.AddFile("share/two/three.bin", 20_000);
        _source = Path.Combine(_content.Root, "share");
        _out = Path.Combine(_content.Root, "share.torrent");
    }

    [TearDown]
    public void DeleteContent() => _content.Dispose();

    [Test]
    public async Task CreatesATorrentAndPrintsItsSummary()
    {
        var result = await CliRunner.RunAsync("create", "-o", _out, "-t", "http://127.0.0.1:1/announce",
            "--tracker", "udp://127.0.0.1:2", "-l", "15", "--private", "-c", "hello there", _source);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);

        var torrent = Torrent.Load(_out);
        Assert.That(result.Output, Does.Contain($"Info Hash: {torrent.InfoHash.Hex}"));
        Assert.That(result.Output, Does.Contain("Files: 2"));
        Assert.That(result.Output, Does.Contain("Pieces: 3"));
        Assert.That(torrent.PieceLength, Is.EqualTo(32768), "-l 15 means 2^15, as in mktorrent");
        Assert.That(torrent.Announce, Is.EqualTo("http://127.0.0.1:1/announce"));
        Assert.That(torrent.AnnounceList.Select(tier => tier.Single()), Is.EqualTo(new[] { "http://127.0.0.1:1/announce", "udp://127.0.0.1:2" }));
        Assert.That(torrent.IsPrivate, Is.True);
        Assert.That(torrent.Comment, Is.EqualTo("hello there"));
        Assert.That(torrent.CreatedBy, Is.EqualTo("MeTorrent 0.1"));
        Assert.That(torrent.CreationDate, Is.Not.Null);
        Assert.That(ContentFolder.CountMatchingPieces(torrent, _source), Is.EqualTo(3));
    }

    [Test]
    public async Task NoDateMakesTheFileReproducible()
    {
        Assert.That((await CliRunner.RunAsync("create", "--no-date", "-o", _out, _source)).ExitCode, Is.Zero);
        byte[] first = File.ReadAllBytes(_out);
        Assert.That((await CliRunner.RunAsync("create", "--no-date", "--force", "-o", _out, _source)).ExitCode, Is.Zero);
        Assert.That(File.ReadAllBytes(_out), Is.EqualTo(first));
        Assert.That(Torrent.Load(_out).CreationDate, Is.Null);
    }

    [TestCase("262144", 262144)]
    [TestCase("256K", 262144)]
    [TestCase("256KiB", 262144)]
    [TestCase("18", 262144)]
    [TestCase("1M", 1048576)]
    [TestCase("14", 16384)]
    [TestCase("16k", 16384)]
    public void PieceLengthsCanBeWrittenSeveralWays(string text, int expected) =>
        Assert.That(CreateCommand.ParsePieceLength(text), Is.EqualTo(expected));

    [TestCase("1000")]
    [TestCase("13")]
    [TestCase("8K")]
    [TestCase("128M")]
    [TestCase("-5")]
    [TestCase("1.5M")]
    [TestCase("12345678901234567890")]
    [TestCase("K")]
    [TestCase("256X")]
    public async Task BadPieceLengthsAreRefused(string text)
    {
        var result = await CliRunner.RunAsync("create", "-o", _out, "-l", text, _source);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent create: piece length \"{text}\""));
        Assert.That(File.Exists(_out), Is.False);
    }

    [Test]
    public async Task UserErrorsAreOneLineAndWriteNothing()
    {
        async Task<string> Error(params string[] args)
        {
            var result = await CliRunner.RunAsync(args);
            Assert.That(result.ExitCode, Is.EqualTo(1), string.Join(' ', args));
            Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
            return result.Errors.TrimEnd();
        }

        Assert.That(await Error("create", _source), Is.EqualTo("metorrent create: say where to write the torrent with -o <file.torrent>"));
        Assert.That(await Error("create", "-o", _out), Does.StartWith("metorrent create: expected one file or folder"));
        Assert.That(await Error("create", "-o", _out, Path.Combine(_content.Root, "nope")), Does.EndWith("nope does not exist."));
        Assert.That(await Error("create", "-o", _out, "-t", "not a url", _source), Does.Contain("tracker \"not a url\" is not an http://"));
        Assert.That(await Error("create", "-o", _out, "-t", "ftp://127.0.0.1/x", _source), Does.Contain("is not an http://, https:// or udp:// URL"));
        Assert.That(await Error("create", "-o", _content.Root, _source), Does.Contain("is a folder"));
        Assert.That(await Error("create", "-o"), Is.EqualTo("metorrent create: option -o needs a value"));
        Assert.That(await Error("create", "-o", Path.Combine(_source, "x.torrent"), _source), Does.Contain("or it would describe itself"));
        Assert.That(File.Exists(_out), Is.False);

        File.WriteAllText(_out, "precious");
        Assert.That(await Error("create", "-o", _out, _source), Does.Contain("already exists (use --force"));
        Assert.That(File.ReadAllText(_out), Is.EqualTo("precious"));
    }

    [Test]
    public async Task SkippedEntriesAreReported()
    {
        File.CreateSymbolicLink(Path.Combine(_source, "link"), Path.Combine(_source, "one.bin"));
        var result = await CliRunner.RunAsync("create", "-o", _out, _source);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.StartWith("skipped link: symbolic link (not followed)"));
        Assert.That(Torrent.Load(_out).Files, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task HelpDescribesTheOptions()
    {
        var result = await CliRunner.RunAsync("create", "--help");
        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Output, Does.StartWith("Usage: metorrent create -o <out.torrent>"));
        Assert.That(result.Output, Does.Contain("--piece-length"));
        Assert.That(result.Output, Does.Contain("--private"));
        var overview = await CliRunner.RunAsync("--help");
        Assert.That(overview.Output, Does.Contain("create").And.Contain("bench"));
    }
}
