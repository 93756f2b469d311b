using System.Text.RegularExpressions;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

/// <summary>
/// Torrents made by real tools (mktorrent, transmission-create, libtorrent) parse to the same info hash,
/// files and pieces the tools report, and the tools accept and agree with ours. No network is involved.
/// </summary>
[Stage(2), Interop]
public partial class RealToolTorrentTests
{
    private const string Tracker = "http://127.0.0.1:6969/announce";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private ContentFolder _content = null!;
    private string _folder = "";

    [SetUp]
    public void CreateContent()
    {
        _content = new ContentFolder();
        _content.AddFile("content/a.bin", 100_000);
        _content.AddFile("content/a-c", 7);
        _content.AddFile("content/sub/b.bin", 5000);
        _content.AddFile("content/sub/deeper/c.bin", 70_000);
        _content.AddFile("content/été.txt", 1234);
        _content.AddFile("content/empty", 0);
        _folder = Path.Combine(_content.Root, "content");
    }

    [TearDown]
    public void DeleteContent() => _content.Dispose();

    private string Output(string name) => Path.Combine(_content.Root, name);

    private static void Succeeded(ProcessRunner.Result result) => Assert.That(result.ExitCode, Is.Zero, result.ToString());

    [TestCase(false)]
    [TestCase(true)]
    public void MktorrentAndWeMakeByteIdenticalInfoDictionaries(bool isPrivate)
    {
        string mktorrent = Tools.Require("mktorrent", "mktorrent");
        string theirs = Output("mktorrent.torrent");
        // mktorrent's -l is an exponent: 15 means 2^15 = 32 KiB pieces.
        Succeeded(ProcessRunner.Run(mktorrent, ["-l", "15", "-a", Tracker, .. (isPrivate ? new[] { "-p" } : []), "-o", theirs, _folder], ToolTimeout));
        var their = Torrent.Load(theirs);

        var builder = new TorrentBuilder(_folder) { PieceLength = 32768, IsPrivate = isPrivate };
        builder.Trackers.Add(Tracker);
        var ours = TorrentParser.Parse(builder.Build());

        Assert.That(their.PieceLength, Is.EqualTo(32768));
        Assert.That(ours.InfoHash, Is.EqualTo(their.InfoHash));
        Assert.That(ours.InfoBytes.ToArray(), Is.EqualTo(their.InfoBytes.ToArray()));
        Assert.That(their.IsPrivate, Is.EqualTo(isPrivate));
        Assert.That(their.Files.Select(f => f.DisplayPath),
            Is.EqualTo(new[] { "a-c", "a.bin", "empty", "sub/b.bin", "sub/deeper/c.bin", "été.txt" }));
        Assert.That(ContentFolder.CountMatchingPieces(their, _folder), Is.EqualTo(their.PieceCount));
    }

    [Test]
    public void MktorrentAndWeAgreeOnASingleFile()
    {
        string mktorrent = Tools.Require("mktorrent", "mktorrent");
        string file = Path.Combine(_folder, "sub", "deeper", "c.bin");
        string theirs = Output("single.torrent");
        Succeeded(ProcessRunner.Run(mktorrent, ["-l", "16", "-a", Tracker, "-o", theirs, file], ToolTimeout));
        var their = Torrent.Load(theirs);
        var ours = TorrentParser.Parse(new TorrentBuilder(file) { PieceLength = 65536 }.Build());
        Assert.That(ours.InfoHash, Is.EqualTo(their.InfoHash));
        Assert.That(their.IsMultiFile, Is.False);
        Assert.That(their.PieceCount, Is.EqualTo(2));
        Assert.That(their.Announce, Is.EqualTo(Tracker));
    }

    [Test]
    public void TransmissionCreateTorrentsParseToTheHashTransmissionShows()
    {
        string create = Tools.Require("transmission-create", "transmission-cli");
        string show = Tools.Require("transmission-show", "transmission-cli");
        string theirs = Output("transmission.torrent");
        Succeeded(ProcessRunner.Run(create, ["-s", "32", "-t", Tracker, "-o", theirs, _folder], ToolTimeout));
        var shown = ProcessRunner.Run(show, [theirs], ToolTimeout);
        Succeeded(shown);

        var torrent = Torrent.Load(theirs);
        Assert.That(torrent.InfoHash.Hex, Is.EqualTo(ShownHash(shown.Output)));
        Assert.That(torrent.PieceCount.ToString(), Is.EqualTo(PieceCountLine().Match(shown.Output).Groups[1].Value));
        // transmission-show lists "content/a-c (0.01 kB)", sorted for display rather than in torrent order;
        // Transmission 3 leaves empty files out of the torrents it makes.
        var shownFiles = FileLine().Matches(shown.Output).Select(m => m.Groups[1].Value).ToList();
        Assert.That(torrent.Files.Select(f => $"{torrent.Name}/{f.DisplayPath}"), Is.EquivalentTo(shownFiles));
        Assert.That(shownFiles, Does.Contain("content/sub/deeper/c.bin"));
        Assert.That(torrent.Announce, Is.EqualTo(Tracker));
        Assert.That(ContentFolder.CountMatchingPieces(torrent, _folder), Is.EqualTo(torrent.PieceCount));
    }

    [Test]
    public void LibtorrentHybridTorrentsWithPaddingFilesParseToLibtorrentsV1View()
    {
        Tools.RequireLibtorrent();
        string theirs = Output("libtorrent.torrent");
        var report = LibtorrentReport(["create", _folder, theirs, "32768"]);

        var torrent = Torrent.Load(theirs);
        Assert.That(torrent.InfoHash.Hex, Is.EqualTo(report.InfoHashV1));
        Assert.That(torrent.PieceCount, Is.EqualTo(report.PieceCount));
        Assert.That(torrent.TotalLength, Is.EqualTo(report.TotalSize));
        Assert.That(torrent.Files.Select(f => (f.Length, f.IsPadding, $"{torrent.Name}/{f.DisplayPath}")), Is.EqualTo(report.Files));
        Assert.That(torrent.Files, Has.Some.Matches<TorrentFile>(f => f!.IsPadding), "libtorrent 2 pads hybrid torrents (BEP 47)");
        Assert.That(ContentFolder.CountMatchingPieces(torrent, _folder), Is.EqualTo(torrent.PieceCount),
            "v1 piece hashes cover padding as zeros");
    }

    [Test]
    public void LibtorrentAndTransmissionReadOurTorrentsAndAgreeOnTheInfoHash()
    {
        Tools.RequireLibtorrent();
        string show = Tools.Require("transmission-show", "transmission-cli");
        string ours = Output("ours.torrent");
        var builder = new TorrentBuilder(_folder) { PieceLength = 16384, IsPrivate = true, Comment = "made by MeTorrent" };
        builder.Trackers.Add(Tracker);
        builder.Trackers.Add("udp://127.0.0.1:6969");
        File.WriteAllBytes(ours, builder.Build());
        var torrent = Torrent.Load(ours);

        var report = LibtorrentReport(["read", ours]);
        Assert.That(report.InfoHashV1, Is.EqualTo(torrent.InfoHash.Hex));
        Assert.That(report.PieceCount, Is.EqualTo(torrent.PieceCount));
        Assert.That(report.Files, Is.EqualTo(torrent.Files.Select(f => (f.Length, false, $"content/{f.DisplayPath}"))));

        var shown = ProcessRunner.Run(show, [ours], ToolTimeout);
        Succeeded(shown);
        Assert.That(ShownHash(shown.Output), Is.EqualTo(torrent.InfoHash.Hex));
        Assert.That(shown.Output, Does.Contain("Private torrent"));
        Assert.That(shown.Output, Does.Contain("udp://127.0.0.1:6969"));
    }

    private static string ShownHash(string output) =>
        HashLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new AssertionException($"no hash in:\n{output}");

    [GeneratedRegex(@"^\s*Hash(?: v1)?:\s*([0-9a-f]{40})\s*$", RegexOptions.Multiline)]
    private static partial Regex HashLine();

    [GeneratedRegex(@"^\s*Piece Count:\s*(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PieceCountLine();

    [GeneratedRegex(@"^  (\S.*) \([0-9.]+ [kMG]?B\)\s*$", RegexOptions.Multiline)]
    private static partial Regex FileLine();

    private sealed record Report(string InfoHashV1, int PieceCount, long TotalSize, List<(long, bool, string)> Files);

    /// <summary>Runs libtorrent (Debian's python3) to create and/or read a torrent and report what it sees.</summary>
    private static Report LibtorrentReport(string[] args)
    {
        var result = ProcessRunner.Run(Tools.SystemPython, ["-c", LibtorrentScript, .. args], ToolTimeout);
        Succeeded(result);
        string hash = "";
        int pieces = 0;
        long total = 0;
        var files = new List<(long, bool, string)>();
        foreach (string line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ', 4);
            switch (parts[0])
            {
                case "v1": hash = parts[1]; break;
                case "pieces": pieces = int.Parse(parts[1]); total = long.Parse(parts[2]); break;
                case "file": files.Add((long.Parse(parts[1]), parts[2] == "1", parts[3])); break;
            }
        }
        return new Report(hash, pieces, total, files);
    }

    // create <source> <out.torrent> <piece length>: libtorrent's defaults (v1+v2 hybrid, padding files);
    // read <file.torrent>. Both print the v1 info hash, piece count, total size and every file.
    private const string LibtorrentScript = """
        import os, sys, libtorrent as lt
        mode = sys.argv[1]
        if mode == "create":
            source, out, piece_length = sys.argv[2], sys.argv[3], int(sys.argv[4])
            fs = lt.file_storage()
            lt.add_files(fs, source)
            t = lt.create_torrent(fs, piece_length)
            t.add_tracker("http://127.0.0.1:6969/announce")
            lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(source)))
            with open(out, "wb") as f:
                f.write(lt.bencode(t.generate()))
            path = out
        else:
            path = sys.argv[2]
        ti = lt.torrent_info(path)
        print("v1", ti.info_hashes().v1)
        print("pieces", ti.num_pieces(), ti.total_size())
        fs = ti.files()
        for i in range(fs.num_files()):
            pad = 1 if fs.file_flags(i) & lt.file_storage.flag_pad_file else 0
            print("file", fs.file_size(i), pad, fs.file_path(i))
        """;
}
