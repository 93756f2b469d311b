using System.Security.Cryptography;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Fixtures;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

[Stage(2)]
public class TorrentParserTests
{
    [Test]
    public void ParsesTheCourseSampleTorrent()
    {
        var torrent = Torrent.Load(Fixture.SampleTorrentPath);
        Assert.That(torrent.InfoHash.Hex, Is.EqualTo("d69f91e6b2ae4c542468d1073a71d4ea13879a7f"));
        Assert.That(torrent.TotalLength, Is.EqualTo(92063));
        Assert.That(torrent.PieceLength, Is.EqualTo(32768));
        Assert.That(torrent.PieceCount, Is.EqualTo(3));
        Assert.That(torrent.LastPieceLength, Is.EqualTo(92063 - 2 * 32768));
        Assert.That(torrent.PieceSize(0), Is.EqualTo(32768));
        Assert.That(torrent.PieceSize(2), Is.EqualTo(26527));
        Assert.That(Convert.ToHexStringLower(torrent.PieceHash(0)), Is.EqualTo("e876f67a2a8886e8f36b136726c30fa29703022d"));
        Assert.That(Convert.ToHexStringLower(torrent.PieceHash(2)), Is.EqualTo("f00d937a0213df1982bc8d097227ad9e909acc17"));
        Assert.That(torrent.Announce, Is.EqualTo("http://bittorrent-test-tracker.codecrafters.io/announce"));
        Assert.That(torrent.TrackerTiers, Has.Count.EqualTo(1));
        Assert.That(torrent.IsMultiFile, Is.False);
        Assert.That(torrent.Name, Is.EqualTo("sample.txt"));
        Assert.That(torrent.Files.Single().Path, Is.EqualTo(new[] { "sample.txt" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.PieceHash(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.PieceSize(-1));
    }

    [Test]
    public void TheInfoHashIsTheSha1OfTheOriginalBytesEvenWhenTheyAreNotCanonical()
    {
        // Unsorted keys and an unknown key inside info: re-encoding would change the bytes, hashing must not.
        byte[] infoBytes = "d12:piece lengthi16384e4:name3:abc6:lengthi10e6:pieces20:aaaaaaaaaaaaaaaaaaaa1:zi0ee"u8.ToArray();
        byte[] torrent = [.. "d4:info"u8, .. infoBytes, .. "e"u8];
        var parsed = TorrentParser.Parse(torrent);
        Assert.That(parsed.InfoHash.Bytes.ToArray(), Is.EqualTo(SHA1.HashData(infoBytes)));
        Assert.That(parsed.InfoBytes.ToArray(), Is.EqualTo(infoBytes));
        Assert.That(parsed.InfoHash, Is.Not.EqualTo(InfoHash.Compute(BencodeEncoder.Encode(BencodeDecoder.Decode(infoBytes)))));
    }

    [Test]
    public void ReadsTrackersAndDescriptiveFields()
    {
        var info = TestTorrents.SingleFileInfo(100, 16384);
        info.Add("private", new BInteger(1));
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(info, top =>
        {
            top.Add("announce-list", new BList([
                new BList([new BString("http://a/announce"), new BString("http://b/announce")]),
                new BList([new BString("udp://c:80")]),
                new BList([]),
                new BString("not a tier"),
            ]));
            top.Add("comment", new BString("hello"));
            top.Add("created by", new BString("test 1.0"));
            top.Add("creation date", new BInteger(1_700_000_000));
        }));
        Assert.That(torrent.Announce, Is.EqualTo("http://127.0.0.1:6969/announce"));
        Assert.That(torrent.AnnounceList, Has.Count.EqualTo(2), "empty and malformed tiers are dropped");
        Assert.That(torrent.AnnounceList[0], Is.EqualTo(new[] { "http://a/announce", "http://b/announce" }));
        Assert.That(torrent.TrackerTiers, Is.SameAs(torrent.AnnounceList), "BEP 12: announce-list wins over announce");
        Assert.That(torrent.Comment, Is.EqualTo("hello"));
        Assert.That(torrent.CreatedBy, Is.EqualTo("test 1.0"));
        Assert.That(torrent.CreationDate, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
        Assert.That(torrent.IsPrivate, Is.True);
    }

    [Test]
    public void MissingOptionalFieldsAreNull()
    {
        var torrent = TorrentParser.Parse(BencodeEncoder.Encode(new BDictionary { { "info", TestTorrents.SingleFileInfo(1, 16384) } }));
        Assert.That(torrent.Announce, Is.Null);
        Assert.That(torrent.TrackerTiers, Is.Empty);
        Assert.That(torrent.Comment, Is.Null);
        Assert.That(torrent.CreationDate, Is.Null);
        Assert.That(torrent.IsPrivate, Is.False);
    }

    [Test]
    public void ReadsAMultiFileTorrentWithPaddingFiles()
    {
        var info = TestTorrents.MultiFileInfo(16, 10, 6, 0, 20);
        var files = (BList)info["files"]!;
        ((BDictionary)files[1])["path"] = new BList([new BString(".pad"), new BString("6")]);
        ((BDictionary)files[1])["attr"] = new BString("p");
        ((BDictionary)files[3])["path"] = new BList([new BString("sub"), new BString("deeper"), new BString("last.bin")]);
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(info));

        Assert.That(torrent.IsMultiFile, Is.True);
        Assert.That(torrent.Name, Is.EqualTo("folder"));
        Assert.That(torrent.TotalLength, Is.EqualTo(36), "padding is part of the piece space");
        Assert.That(torrent.PieceCount, Is.EqualTo(3));
        Assert.That(torrent.LastPieceLength, Is.EqualTo(4));
        Assert.That(torrent.Files.Select(f => f.Offset), Is.EqualTo(new long[] { 0, 10, 16, 16 }));
        Assert.That(torrent.Files.Select(f => f.IsPadding), Is.EqualTo(new[] { false, true, false, false }));
        Assert.That(torrent.Files[3].DisplayPath, Is.EqualTo("sub/deeper/last.bin"));
    }

    [Test]
    public void PrefersPathUtf8WhenPresent()
    {
        var info = TestTorrents.MultiFileInfo(16, 5);
        var file = (BDictionary)((BList)info["files"]!)[0];
        file["path"] = new BList([new BString(new byte[] { 0xe9, (byte)'t', (byte)'e' })]); // Latin-1 "été"
        file["path.utf-8"] = new BList([new BString("été")]);
        Assert.That(TorrentParser.Parse(TestTorrents.Wrap(info)).Files[0].Path, Is.EqualTo(new[] { "été" }));
    }

    [Test]
    public void AFileLargerThanTheLimitIsRefusedBeforeItIsRead()
    {
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"huge-{Guid.NewGuid():N}.torrent");
        try
        {
            using (var stream = File.Create(path))
                stream.SetLength(TorrentParser.MaxTorrentFileLength + 1L); // sparse: costs no disk space
            var error = Assert.Throws<MetainfoException>(() => Torrent.Load(path))!;
            Assert.That(error.Message, Does.Contain("too large"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void InfoHashParsesAndPrintsHex()
    {
        var hash = InfoHash.FromHex("D69F91E6B2AE4C542468D1073A71D4EA13879A7F");
        Assert.That(hash.Hex, Is.EqualTo("d69f91e6b2ae4c542468d1073a71d4ea13879a7f"));
        Assert.That(hash, Is.EqualTo(TorrentParser.Parse(Fixture.SampleTorrent()).InfoHash));
        Assert.That(hash.ToArray(), Has.Length.EqualTo(20));
        Assert.Throws<FormatException>(() => InfoHash.FromHex("abc"));
        Assert.Throws<FormatException>(() => InfoHash.FromHex(new string('g', 40)));
        Assert.That(default(InfoHash).Hex, Is.EqualTo(new string('0', 40)), "a default hash is zeros, not a crash");
    }

    [Test]
    public void ParsesTheV1ViewOfALibtorrentHybridTorrent()
    {
        var torrent = Torrent.Load(Fixture.HybridTorrentPath);
        Assert.That(torrent.InfoHash.Hex, Is.EqualTo("9791f90c5427e4a7723cc35335c795834642f17f"));
        Assert.That(torrent.PieceCount, Is.EqualTo(5));
        Assert.That(torrent.TotalLength, Is.EqualTo(81920));
        Assert.That(torrent.LastPieceLength, Is.EqualTo(16384), "libtorrent pads the last file to a whole piece too");
        Assert.That(torrent.Files.Select(f => $"{f.DisplayPath}:{f.Length}:{(f.IsPadding ? "pad" : "file")}"), Is.EqualTo(new[]
        {
            "alpha.txt:20000:file", ".pad/12768:12768:pad", "gamma:17000:file", ".pad/15768:15768:pad",
            "sub/beta.bin:9000:file", ".pad/7384:7384:pad",
        }));
        // Each real file starts on a piece boundary: that is what the padding is for (BEP 47).
        Assert.That(torrent.Files.Where(f => !f.IsPadding).Select(f => f.Offset % torrent.PieceLength), Has.All.Zero);
        Assert.That(torrent.CreatedBy, Is.EqualTo("libtorrent fixture"));
    }

    [Test]
    public void ParsesAMktorrentTorrent()
    {
        var torrent = Torrent.Load(Fixture.MktorrentTorrentPath);
        Assert.That(torrent.InfoHash.Hex, Is.EqualTo("e27480430768b43d54164258d9d48774fcffafad"));
        Assert.That(torrent.PieceCount, Is.EqualTo(2));
        Assert.That(torrent.TotalLength, Is.EqualTo(46000));
        Assert.That(torrent.Files.Select(f => f.DisplayPath), Is.EqualTo(new[] { "alpha.txt", "gamma", "sub/beta.bin" }));
        Assert.That(torrent.Comment, Is.EqualTo("mktorrent fixture"));
        Assert.That(torrent.CreatedBy, Is.EqualTo("mktorrent 1.1"));
    }
}
