using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo.Lesson;

/// <summary>Lesson 02, step 1 (02-metainfo.parse): read a .torrent into a <see cref="Torrent"/>.</summary>
[Stage(2)]
public class Step1ParseTests
{
    private const string Announce = "http://127.0.0.1:6969/announce";
    private const string Rule = "Step 1 (parse): decode it, take the info dictionary, read its fields with the helpers, check the piece count.";

    [Test]
    public void ReadsTheTrackerUrl()
    {
        var torrent = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(92063)).Bytes, Rule);
        Assert.That(torrent.Announce, Is.EqualTo(Announce), "the top-level \"announce\" string is the tracker URL: Announce = OptionalText(top, \"announce\")");
    }

    [Test]
    public void ReadsNameLengthAndPieceLength()
    {
        var torrent = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(92063)).Bytes, Rule);
        Assert.That(torrent.Name, Is.EqualTo("sample.txt"), "info[\"name\"] is the file name");
        Assert.That(torrent.TotalLength, Is.EqualTo(92063), "info[\"length\"] is the file's size in bytes");
        Assert.That(torrent.PieceLength, Is.EqualTo(32768), "info[\"piece length\"] is the size of every piece but the last");
        Assert.That(torrent.IsMultiFile, Is.False, "a torrent with \"length\" (not \"files\") is a single-file torrent");
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "sample.txt" }), "a single-file torrent has one file, named like the torrent");
    }

    [Test]
    public void KeepsTheInfoDictionaryBytes()
    {
        var sample = LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(92063));
        var torrent = LessonTorrent.ParseValid(sample.Bytes, Rule);
        Assert.That(torrent.InfoBytes.ToArray(), Is.EqualTo(sample.InfoBytes.ToArray()),
            "InfoBytes are the info dictionary exactly as in the file: pass info.SourceBytes(bytes) to the Torrent");
    }

    [Test]
    public void ReadsAMultiFileTorrent()
    {
        var sample = LessonTorrent.MultiFile(Announce, "album", 16384, ("cd1/a.flac", 20000), ("b.txt", 5000));
        var torrent = LessonTorrent.ParseValid(sample.Bytes, Rule);
        Assert.That(torrent.IsMultiFile, Is.True, "\"files\" instead of \"length\" makes a multi-file torrent (ReadFiles handles both)");
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "cd1/a.flac", "b.txt" }), "files keep the order and paths the torrent lists");
        Assert.That(torrent.Files[1].Offset, Is.EqualTo(20000), "files lie end to end: the second starts where the first ends");
        Assert.That(torrent.TotalLength, Is.EqualTo(25000), "the total length is the sum of the file lengths");
    }

    [Test]
    public void ReadsTheOptionalFields()
    {
        byte[] info = LessonTorrent.Ascii("d6:lengthi100e4:name1:x12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa7:privatei1ee");
        byte[] extra = LessonTorrent.Ascii("13:announce-listll5:udp:a5:udp:bel5:udp:cee7:comment5:hello10:created by9:mktorrent13:creation datei1700000000e");
        var torrent = LessonTorrent.ParseValid(LessonTorrent.Wrap(Announce, info, extra).Bytes, Rule);
        Assert.That(torrent.Comment, Is.EqualTo("hello"), "\"comment\" (top level, optional): Comment = OptionalText(top, \"comment\")");
        Assert.That(torrent.CreatedBy, Is.EqualTo("mktorrent"), "\"created by\" (top level, optional): the program that made the torrent");
        Assert.That(torrent.CreationDate, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1700000000)),
            "\"creation date\" (top level, optional): seconds since 1970-01-01 UTC (DateTimeOffset.FromUnixTimeSeconds)");
        Assert.That(torrent.IsPrivate, Is.True, "\"private\" = 1 inside the info dictionary (BEP 27): peers come from the trackers only");
        Assert.That(torrent.AnnounceList, Is.EqualTo(new[] { new[] { "udp:a", "udp:b" }, new[] { "udp:c" } }),
            "\"announce-list\" (BEP 12): tiers of tracker URLs, read with ReadAnnounceList(top)");
    }

    [Test]
    public void LeavesOutOptionalFieldsThatAreAbsent()
    {
        var torrent = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(92063)).Bytes, Rule);
        Assert.That((torrent.Comment, torrent.CreatedBy, torrent.CreationDate), Is.EqualTo(((string?)null, (string?)null, (DateTimeOffset?)null)),
            "a torrent without \"comment\", \"created by\" and \"creation date\" has none: null, not an error");
        Assert.That(torrent.IsPrivate, Is.False, "without \"private\" a torrent is public");
    }

    [Test]
    public void RejectsInvalidBencode()
    {
        Assert.That(() => Torrent.Parse(LessonTorrent.Ascii("d8:announ")), Throws.TypeOf<MetainfoException>(),
            "a truncated file: catch the BencodeException and throw a MetainfoException, the one error type of this project");
    }

    [Test]
    public void RejectsATopLevelThatIsNotADictionary()
    {
        Assert.That(() => Torrent.Parse(LessonTorrent.Ascii("li1ee")), Throws.TypeOf<MetainfoException>(),
            "a torrent is a dictionary; a list is not a torrent");
    }

    [Test]
    public void RejectsATorrentWithoutInfo()
    {
        Assert.That(() => Torrent.Parse(LessonTorrent.Ascii("d8:announce3:urle")), Throws.TypeOf<MetainfoException>(),
            "without an \"info\" dictionary there is nothing to download");
    }

    [Test]
    public void RejectsTooFewPieceHashes()
    {
        byte[] info = LessonTorrent.Ascii("d6:lengthi100e4:name1:x12:piece lengthi10e6:pieces20:aaaaaaaaaaaaaaaaaaaae");
        Assert.That(() => Torrent.Parse(LessonTorrent.Wrap(Announce, info).Bytes), Throws.TypeOf<MetainfoException>(),
            "100 bytes in pieces of 10 make 10 pieces, so \"pieces\" must hold 10 hashes, not 1");
    }

    [Test]
    public void RejectsANameThatLeavesTheFolder()
    {
        var sample = LessonTorrent.SingleFile(Announce, "..", 16384, LessonTorrent.Content(100));
        Assert.That(() => Torrent.Parse(sample.Bytes), Throws.TypeOf<MetainfoException>(),
            "a hostile torrent named \"..\" would write outside the download folder: check the name with SafePath.Problem");
    }
}
