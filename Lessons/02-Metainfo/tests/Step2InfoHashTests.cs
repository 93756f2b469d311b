using System.Security.Cryptography;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo.Lesson;

/// <summary>Lesson 02, step 2 (02-metainfo.info-hash): the SHA-1 that names a torrent.</summary>
[Stage(2)]
public class Step2InfoHashTests
{
    private const string Announce = "http://127.0.0.1:6969/announce";
    private const string Rule = "Step 1 (parse) reads it; step 2 hashes its info dictionary.";

    [Test]
    public void ComputeIsTheSha1OfTheGivenBytes()
    {
        byte[] info = LessonTorrent.Ascii("d6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae");
        Assert.That(InfoHash.Compute(info).Bytes.ToArray(), Is.EqualTo(SHA1.HashData(info)),
            "InfoHash.Compute(bytes) is new InfoHash(SHA1.HashData(bytes))");
    }

    [Test]
    public void IsTheSha1OfTheInfoDictionary()
    {
        var sample = LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(92063));
        string expected = Convert.ToHexStringLower(SHA1.HashData(sample.InfoBytes));
        Assert.That(LessonTorrent.ParseValid(sample.Bytes, Rule).InfoHash.Hex, Is.EqualTo(expected),
            "the info hash is SHA1.HashData(info bytes): the bytes from 'd' to the matching 'e' of the info dictionary");
    }

    [Test]
    public void HashesTheOriginalBytesNotAReencoding()
    {
        var sample = LessonTorrent.SingleFile(Announce, "sample.txt", 32768, LessonTorrent.Content(5000), infoKeysSorted: false);
        string expected = Convert.ToHexStringLower(SHA1.HashData(sample.InfoBytes));
        Assert.That(LessonTorrent.ParseValid(sample.Bytes, Rule).InfoHash.Hex, Is.EqualTo(expected),
            "this info dictionary has unsorted keys: re-encoding it would sort them and change the hash; hash the bytes as they were");
    }

    [Test]
    public void DiffersBetweenTorrents()
    {
        var a = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "a.txt", 16384, LessonTorrent.Content(100)).Bytes, Rule);
        var b = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "b.txt", 16384, LessonTorrent.Content(100)).Bytes, Rule);
        Assert.That(a.InfoHash, Is.Not.EqualTo(b.InfoHash), "two torrents that differ only in their name have different info hashes");
        Assert.That(a.InfoHash.Bytes.Length, Is.EqualTo(20), "an info hash is 20 bytes (SHA-1)");
    }

    [Test]
    public void IgnoresFieldsOutsideTheInfoDictionary()
    {
        var content = LessonTorrent.Content(100);
        var a = LessonTorrent.ParseValid(LessonTorrent.SingleFile("http://127.0.0.1:1/announce", "x", 16384, content).Bytes, Rule);
        var b = LessonTorrent.ParseValid(LessonTorrent.SingleFile("http://127.0.0.1:2/announce", "x", 16384, content).Bytes, Rule);
        Assert.That(a.InfoHash, Is.EqualTo(b.InfoHash), "the tracker URL is outside the info dictionary, so it does not change the info hash");
    }
}
