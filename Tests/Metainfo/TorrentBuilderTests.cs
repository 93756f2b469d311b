using System.Security.Cryptography;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

[Stage(2)]
public class TorrentBuilderTests
{
    private ContentFolder _content = null!;

    [SetUp]
    public void CreateContent() => _content = new ContentFolder();

    [TearDown]
    public void DeleteContent() => _content.Dispose();

    [Test]
    public void MakesASingleFileTorrentWhosePiecesAreTheFilesSha1s()
    {
        string file = _content.AddFile("movie.bin", 100_000);
        var builder = new TorrentBuilder(file) { PieceLength = 32768, Comment = "a comment", CreationDate = null };
        builder.Trackers.Add("http://127.0.0.1:6969/announce");
        var torrent = TorrentParser.Parse(builder.Build());

        byte[] content = File.ReadAllBytes(file);
        Assert.That(torrent.IsMultiFile, Is.False);
        Assert.That(torrent.Name, Is.EqualTo("movie.bin"));
        Assert.That(torrent.TotalLength, Is.EqualTo(100_000));
        Assert.That(torrent.PieceCount, Is.EqualTo(4));
        for (int piece = 0; piece < 4; piece++)
        {
            int start = piece * 32768;
            byte[] expected = SHA1.HashData(content.AsSpan(start, Math.Min(32768, content.Length - start)));
            Assert.That(torrent.PieceHash(piece).ToArray(), Is.EqualTo(expected), $"piece {piece}");
        }
        Assert.That(torrent.Announce, Is.EqualTo("http://127.0.0.1:6969/announce"));
        Assert.That(torrent.AnnounceList, Is.Empty, "one tracker needs no announce-list");
        Assert.That(torrent.Comment, Is.EqualTo("a comment"));
        Assert.That(torrent.CreatedBy, Is.EqualTo("MeTorrent 0.1"));
        Assert.That(torrent.CreationDate, Is.Null);
        Assert.That(torrent.IsPrivate, Is.False);
    }

    [Test]
    public void MakesAFolderTorrentWithPiecesSpanningFilesInMktorrentOrder()
    {
        _content.AddFile("album/b.flac", 40_000);
        _content.AddFile("album/a/z.flac", 30_000);
        _content.AddFile("album/a-c", 7);
        _content.AddFile("album/a.txt", 20_001);
        _content.AddFile("album/empty", 0);
        string folder = Path.Combine(_content.Root, "album");
        var torrent = TorrentParser.Parse(new TorrentBuilder(folder) { PieceLength = 16384 }.Build());

        Assert.That(torrent.IsMultiFile, Is.True);
        Assert.That(torrent.Name, Is.EqualTo("album"));
        // Byte order of the joined path: '-' (0x2d) < '.' (0x2e) < '/' (0x2f), so "a/z.flac" comes after "a.txt".
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "a-c", "a.txt", "a/z.flac", "b.flac", "empty" }));
        Assert.That(torrent.TotalLength, Is.EqualTo(90_008));
        Assert.That(ContentFolder.CountMatchingPieces(torrent, folder), Is.EqualTo(torrent.PieceCount).And.EqualTo(6));
    }

    [Test]
    public void TrackersPrivateFlagAndDate()
    {
        string file = _content.AddFile("x", 10);
        var when = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        var builder = new TorrentBuilder(file) { IsPrivate = true, CreationDate = when };
        builder.Trackers.Add("http://127.0.0.1:1/announce");
        builder.Trackers.Add("udp://127.0.0.1:2");
        var torrent = TorrentParser.Parse(builder.Build());
        Assert.That(torrent.Announce, Is.EqualTo("http://127.0.0.1:1/announce"));
        Assert.That(torrent.AnnounceList, Has.Count.EqualTo(2));
        Assert.That(torrent.AnnounceList[1], Is.EqualTo(new[] { "udp://127.0.0.1:2" }));
        Assert.That(torrent.IsPrivate, Is.True);
        Assert.That(torrent.CreationDate, Is.EqualTo(when));
        var info = (BDictionary)BencodeDecoder.Decode(torrent.InfoBytes);
        Assert.That(((BInteger)info["private"]!).Value, Is.EqualTo(1), "private lives inside info (BEP 27)");
    }

    [Test]
    public void TheSameContentAlwaysGivesTheSameInfoHash()
    {
        _content.AddFile("f/one", 5000);
        _content.AddFile("f/two", 6000);
        string folder = Path.Combine(_content.Root, "f");
        var first = TorrentParser.Parse(new TorrentBuilder(folder) { Comment = "x" }.Build());
        var second = TorrentParser.Parse(new TorrentBuilder(folder + "/") { CreationDate = DateTimeOffset.UnixEpoch.AddDays(1) }.Build());
        Assert.That(second.InfoHash, Is.EqualTo(first.InfoHash), "comment and date are outside info; a trailing slash changes nothing");
    }

    [TestCase(0L, 16384)]
    [TestCase(1L, 16384)]
    [TestCase(1500L * 16384, 16384)]
    [TestCase(1500L * 16384 + 1, 32768)]
    [TestCase(700L * 1024 * 1024, 512 * 1024)]
    [TestCase(4L * 1024 * 1024 * 1024, 4 * 1024 * 1024)]
    [TestCase(1L << 45, 16 * 1024 * 1024)]
    public void ChoosesAPowerOfTwoPieceLengthFromTheSize(long total, int expected) =>
        Assert.That(TorrentBuilder.ChoosePieceLength(total), Is.EqualTo(expected));

    [Test]
    public void AlignsLargeFilesToPieceBoundariesWithBep47PaddingFiles()
    {
        _content.AddFile("album/a.txt", 10_000);
        _content.AddFile("album/b.flac", 40_000);
        _content.AddFile("album/c.flac", 30_000);
        _content.AddFile("album/d.txt", 7);
        _content.AddFile("album/e", 0);
        string folder = Path.Combine(_content.Root, "album");
        var builder = new TorrentBuilder(folder) { PieceLength = 16384, AlignFilesOfAtLeast = 20_000 };
        var torrent = TorrentParser.Parse(builder.Build());

        // b.flac would start at 10000 and c.flac at 16384 + 40000: each gets padding up to the next boundary.
        Assert.That(torrent.Files.Select(f => f.DisplayPath),
            Is.EqualTo(new[] { "a.txt", ".pad/6384", "b.flac", ".pad/9152", "c.flac", "d.txt", "e" }));
        Assert.That(torrent.Files.Select(f => f.IsPadding), Is.EqualTo(new[] { false, true, false, true, false, false, false }));
        Assert.That(torrent.Files.Where(f => f.Length >= 20_000).Select(f => f.Offset % 16384), Is.All.Zero, "large files start at a piece boundary");
        Assert.That(torrent.Files.Single(f => f.DisplayPath == "d.txt").Offset % 16384, Is.Not.Zero, "small files are not aligned");
        Assert.That(ContentFolder.CountMatchingPieces(torrent, folder), Is.EqualTo(torrent.PieceCount), "padding hashed as zeros");

        Assert.That(builder.Build().AsSpan().IndexOf("4:attr1:p6:lengthi6384e"u8), Is.GreaterThan(0), "BEP 47: attr \"p\"");
        Assert.That(new TorrentBuilder(folder) { PieceLength = 16384, AlignFilesOfAtLeast = 0 }.Build(), Is.Not.EqualTo(builder.Build()));
    }

    [Test]
    public void WithoutAlignmentAFolderTorrentHasNoPadding()
    {
        _content.AddFile("album/a.txt", 10_000);
        _content.AddFile("album/b.flac", 40_000);
        var torrent = TorrentParser.Parse(new TorrentBuilder(Path.Combine(_content.Root, "album")) { PieceLength = 16384 }.Build());
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "a.txt", "b.flac" }));
    }

    [Test]
    public void SmallPiecesOnlyWhenAskedFor()
    {
        string file = _content.AddFile("tiny.bin", 100);
        Assert.Throws<MetainfoException>(() => new TorrentBuilder(file) { PieceLength = 16 }.Build());
        var torrent = TorrentParser.Parse(new TorrentBuilder(file) { PieceLength = 16, AllowSmallPieces = true }.Build());
        Assert.That(torrent.PieceCount, Is.EqualTo(7));
        Assert.That(ContentFolder.CountMatchingPieces(torrent, _content.Root), Is.EqualTo(7));
        var error = Assert.Throws<MetainfoException>(() => new TorrentBuilder(file) { PieceLength = 24, AllowSmallPieces = true }.Build())!;
        Assert.That(error.Message, Does.Contain("must be a power of two"));
    }

    [TestCase(1000)]
    [TestCase(8192)]
    [TestCase(49152)]
    [TestCase(128 * 1024 * 1024)]
    public void RefusesAPieceLengthThatIsNotASensiblePowerOfTwo(int pieceLength)
    {
        string file = _content.AddFile("x", 10);
        var error = Assert.Throws<MetainfoException>(() => new TorrentBuilder(file) { PieceLength = pieceLength }.Build())!;
        Assert.That(error.Message, Does.Contain("must be a power of two"));
    }

    [Test]
    public void SkipsSymbolicLinksAndSpecialFilesInsideAFolderAndSaysSo()
    {
        _content.AddFile("f/real", 100);
        string outside = _content.AddFile("secret", 100);
        File.CreateSymbolicLink(Path.Combine(_content.Root, "f", "link"), outside);
        Directory.CreateSymbolicLink(Path.Combine(_content.Root, "f", "dirlink"), _content.Root);
        _content.AddFile("f/back\\slash", 10);
        var fifo = ProcessRunner.Run("mkfifo", [Path.Combine(_content.Root, "f", "pipe")], TimeSpan.FromSeconds(10));
        Assert.That(fifo.ExitCode, Is.Zero, fifo.ToString());

        var builder = new TorrentBuilder(Path.Combine(_content.Root, "f"));
        var torrent = TorrentParser.Parse(builder.Build());
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "real" }));
        Assert.That(builder.Skipped, Has.Count.EqualTo(4));
        Assert.That(builder.Skipped, Has.Some.StartsWith("back\\slash: a path separator inside"));
        Assert.That(builder.Skipped, Has.Some.StartsWith("link: symbolic link"));
        Assert.That(builder.Skipped, Has.Some.StartsWith("dirlink: symbolic link"));
        Assert.That(builder.Skipped, Has.Some.StartsWith("pipe: not a regular file"));
    }

    [Test]
    public void RefusesSourcesThatCannotBeATorrent()
    {
        string file = _content.AddFile("x", 10);
        string link = Path.Combine(_content.Root, "link");
        File.CreateSymbolicLink(link, file);
        Directory.CreateDirectory(Path.Combine(_content.Root, "empty-folder", "sub"));
        _content.AddFile("zeros/a", 0);

        Assert.That(Assert.Throws<MetainfoException>(() => new TorrentBuilder(link).Build())!.Message, Does.Contain("is a symbolic link"));
        Assert.That(Assert.Throws<MetainfoException>(() => new TorrentBuilder(Path.Combine(_content.Root, "nope")).Build())!.Message, Does.Contain("does not exist"));
        Assert.That(Assert.Throws<MetainfoException>(() => new TorrentBuilder(Path.Combine(_content.Root, "empty-folder")).Build())!.Message, Does.Contain("contains no files"));
        Assert.That(Assert.Throws<MetainfoException>(() => new TorrentBuilder(Path.Combine(_content.Root, "zeros")).Build())!.Message, Does.Contain("holds no data"));
        Assert.That(Assert.Throws<MetainfoException>(() => new TorrentBuilder("/dev/null").Build())!.Message, Does.Contain("not a regular file"));
    }

    [Test]
    public void HashesAFileWithoutHoldingItInMemory()
    {
        string file = Path.Combine(_content.Root, "big.bin");
        using (var stream = File.Create(file))
            stream.SetLength(16 * 1024 * 1024); // 16 MiB of zeros, sparse on disk
        var builder = new TorrentBuilder(file) { PieceLength = 64 * 1024 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        byte[] torrentBytes = builder.Build();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(1024 * 1024), "one piece buffer and the hashes, not the file");
        var torrent = TorrentParser.Parse(torrentBytes);
        Assert.That(torrent.PieceCount, Is.EqualTo(256));
        Assert.That(torrent.PieceHash(255).ToArray(), Is.EqualTo(SHA1.HashData(new byte[64 * 1024])));
    }

    [Test]
    public void Cancels()
    {
        string file = _content.AddFile("x", 100_000);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new TorrentBuilder(file).Build(cancelled.Token));
    }
}
