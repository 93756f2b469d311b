using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

/// <summary>Broken and hostile torrents: each is refused with a message that says what is wrong.</summary>
[Stage(2)]
public class TorrentValidationTests
{
    private static BDictionary Single() => TestTorrents.SingleFileInfo(100, 16384);

    private static BDictionary Multi() => TestTorrents.MultiFileInfo(16384, 10, 20);

    private static BDictionary FirstFile(BDictionary info) => (BDictionary)((BList)info["files"]!)[0];

    private static BDictionary WithPath(BDictionary info, params string[] path)
    {
        FirstFile(info)["path"] = new BList(path.Select(p => (BValue)new BString(p)));
        return info;
    }

    private static BDictionary Without(BDictionary dictionary, string key)
    {
        var copy = new BDictionary();
        foreach (var (k, v) in dictionary)
            if (k.Text != key)
                copy.Set(k, v);
        return copy;
    }

    private static BDictionary With(BDictionary dictionary, string key, BValue value)
    {
        dictionary[key] = value;
        return dictionary;
    }

    private static IEnumerable<TestCaseData> BrokenInfoDictionaries()
    {
        TestCaseData Case(string name, BDictionary info, string message) => new TestCaseData(info, message).SetName(name);

        yield return Case("missing name", Without(Single(), "name"), "\"name\" is missing");
        yield return Case("empty name", With(Single(), "name", new BString("")), "\"name\" is missing");
        yield return Case("missing piece length", Without(Single(), "piece length"), "\"piece length\" is missing");
        yield return Case("zero piece length", With(Single(), "piece length", new BInteger(0)), "piece length 0");
        yield return Case("negative piece length", With(Single(), "piece length", new BInteger(-16384)), "piece length -16384");
        yield return Case("absurd piece length", With(Single(), "piece length", new BInteger(1L << 40)), "is not between 1 and");
        yield return Case("missing pieces", Without(Single(), "pieces"), "\"pieces\" is missing");
        yield return Case("pieces not a string", With(Single(), "pieces", new BInteger(3)), "\"pieces\" is missing or not a byte string");
        yield return Case("pieces not a multiple of 20", With(Single(), "pieces", new BString(new byte[21])), "21 bytes, not a multiple of 20");
        yield return Case("too many piece hashes", With(Single(), "pieces", new BString(new byte[40])), "make 1 piece, but the torrent has 2 piece hashes");
        yield return Case("too few piece hashes", With(Single(), "length", new BInteger(20000)), "make 2 pieces, but the torrent has 1 piece hash");
        yield return Case("neither length nor files", Without(Single(), "length"), "neither \"length\" nor a \"files\" list");
        yield return Case("both length and files", With(Multi(), "length", new BInteger(5)), "both \"length\" and \"files\"");
        yield return Case("length not an integer", With(Single(), "length", new BString("100")), "\"length\" in the info dictionary is not an integer");
        yield return Case("negative length", With(Single(), "length", new BInteger(-1)), "impossible length -1");
        yield return Case("absurd length", With(Single(), "length", new BInteger(long.MaxValue)), "impossible length");
        yield return Case("zero total length", With(With(Single(), "length", new BInteger(0)), "pieces", new BString("")), "holds no data");
        yield return Case("v2-only torrent", With(Without(Single(), "pieces"), "file tree", new BDictionary()), "v2-only torrent");
        yield return Case("files empty", With(Multi(), "files", new BList()), "\"files\" list is empty");
        yield return Case("files entry not a dictionary", With(Multi(), "files", new BList([new BInteger(1)])), "not a dictionary");
        yield return Case("file without length", With(Multi(), "files", new BList([new BDictionary { { "path", new BList([new BString("a")]) } }])), "\"length\" is missing from a file entry");
        yield return Case("file with negative length", With(Multi(), "files", new BList([new BDictionary { { "length", new BInteger(-5) }, { "path", new BList([new BString("a")]) } }])), "impossible length -5");
        yield return Case("files adding up to too much", With(Multi(), "files", new BList(Enumerable.Range(0, 3).Select(i => (BValue)new BDictionary { { "length", new BInteger(TorrentParser.MaxTotalLength / 2) }, { "path", new BList([new BString($"f{i}")]) } }))), "add up to more than");
        yield return Case("file without path", With(Multi(), "files", new BList([new BDictionary { { "length", new BInteger(30) } }])), "has no \"path\" list");
        yield return Case("file with empty path list", WithPath(Multi()), "has no \"path\" list");
        yield return Case("path component not a string", With(Multi(), "files", new BList([new BDictionary { { "length", new BInteger(30) }, { "path", new BList([new BInteger(1)]) } }])), "path component is not a string");
        yield return Case("dot-dot component", WithPath(Multi(), "..", "etc", "passwd"), "the path component \"..\"");
        yield return Case("dot component", WithPath(Multi(), ".", "x"), "the path component \".\"");
        yield return Case("empty component", WithPath(Multi(), "a", "", "b"), "an empty path component");
        yield return Case("absolute path", WithPath(Multi(), "/etc/passwd"), "a path separator inside the component \"/etc/passwd\"");
        yield return Case("separator inside a component", WithPath(Multi(), "a/../../b"), "a path separator inside");
        yield return Case("backslash inside a component", WithPath(Multi(), "..\\..\\evil"), "a path separator inside");
        yield return Case("NUL inside a component", WithPath(Multi(), "a\0b"), "a NUL character");
        yield return Case("drive letter", WithPath(Multi(), "C:evil"), "a drive letter");
        yield return Case("unsafe name", With(Single(), "name", new BString("..")), "Unsafe torrent name");
        yield return Case("name with separator", With(Single(), "name", new BString("../x")), "Unsafe torrent name");
        yield return Case("file listed twice", WithPath(Multi(), "f1"), "the file \"f1\" is listed twice");
        yield return Case("file and folder of the same name", WithPath(Multi(), "f1", "inner"), "\"f1\" is both a file and a folder");
    }

    [TestCaseSource(nameof(BrokenInfoDictionaries))]
    public void RefusesBrokenInfoDictionaries(BDictionary info, string message)
    {
        var error = Assert.Throws<MetainfoException>(() => TorrentParser.Parse(TestTorrents.Wrap(info)))!;
        Assert.That(error.Message, Does.Contain(message));
    }

    [TestCase("", "Not a valid torrent file: Invalid bencode at byte 0")]
    [TestCase("i5e", "the top level is not a dictionary")]
    [TestCase("le", "the top level is not a dictionary")]
    [TestCase("de", "\"info\" dictionary is missing")]
    [TestCase("d4:infoi1ee", "\"info\" dictionary is missing")]
    [TestCase("d4:infod", "Invalid bencode at byte 8")]
    [TestCase("d4:infodee junk", "unexpected data after the end")]
    public void RefusesFilesThatAreNotTorrents(string input, string message)
    {
        var error = Assert.Throws<MetainfoException>(() => TorrentParser.Parse(System.Text.Encoding.ASCII.GetBytes(input)))!;
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void PaddingFilesMayShareANameButRealFilesMayNot()
    {
        // libtorrent names padding files after their size, so two pads of 6 bytes are both ".pad/6".
        var info = TestTorrents.MultiFileInfo(16, 10, 6, 10, 6, 4);
        var files = (BList)info["files"]!;
        foreach (int i in new[] { 1, 3 })
        {
            ((BDictionary)files[i])["path"] = new BList([new BString(".pad"), new BString("6")]);
            ((BDictionary)files[i])["attr"] = new BString("p");
        }
        Assert.That(TorrentParser.Parse(TestTorrents.Wrap(info)).Files, Has.Count.EqualTo(5));
    }

    [Test]
    public void AFileLaterFoundInsideAnEarlierFileIsAConflictToo()
    {
        var info = TestTorrents.MultiFileInfo(16384, 1, 1);
        var files = (BList)info["files"]!;
        ((BDictionary)files[0])["path"] = new BList([new BString("a"), new BString("b")]);
        ((BDictionary)files[1])["path"] = new BList([new BString("a")]);
        var error = Assert.Throws<MetainfoException>(() => TorrentParser.Parse(TestTorrents.Wrap(info)))!;
        Assert.That(error.Message, Does.Contain("\"a\" is both a file and a folder"));
    }

    [Test]
    public void ADeepPathIsCheckedQuickly()
    {
        // 200,000 components in one path: checking every prefix as a string would be quadratic.
        var info = TestTorrents.MultiFileInfo(16384, 1, 1);
        var files = (BList)info["files"]!;
        ((BDictionary)files[0])["path"] = new BList(Enumerable.Repeat((BValue)new BString("d"), 200_000));
        ((BDictionary)files[1])["path"] = new BList(Enumerable.Repeat((BValue)new BString("d"), 199_999).Append(new BString("e")));
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(info));
        Assert.That(torrent.Files[0].Path, Has.Count.EqualTo(200_000));
    }

    [Test]
    public void AMillionFileTorrentIsNotRefusedForItsSize()
    {
        // Issue 9: a 1,000,000-file torrent must download. Two path parts each make 5 million bencoded values,
        // one more than the decoder's default limit allowed, and `create` refused its own output.
        var info = TestTorrents.MultiFileInfo(16384, Enumerable.Repeat(1L, 1_000_000).ToArray());
        foreach (var (file, i) in ((BList)info["files"]!).Select((f, i) => ((BDictionary)f, i)))
            file["path"] = new BList([new BString($"d{i / 1000:0000}"), new BString($"f{i:0000000}")]);
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(info));
        Assert.That(torrent.Files, Has.Count.EqualTo(1_000_000));
    }
}
