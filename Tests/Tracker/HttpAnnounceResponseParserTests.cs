using System.Net;
using System.Text;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

[Stage(3)]
public class HttpAnnounceResponseParserTests
{
    private const string Url = "http://t.example/announce";

    private static AnnounceResponse Parse(string bencoded) => HttpAnnounceResponseParser.Parse(Url, Encoding.Latin1.GetBytes(bencoded));

    private static AnnounceResponse Parse(string before, byte[] binary, string after) =>
        HttpAnnounceResponseParser.Parse(Url, (byte[])[.. Encoding.Latin1.GetBytes(before), .. binary, .. Encoding.Latin1.GetBytes(after)]);

    [Test]
    public void ReadsCompactPeers()
    {
        // 165.232.33.77:51467, 178.62.85.20:51489 (the course's sample tracker answer)
        var response = Parse("d8:intervali60e5:peers12:", [0xA5, 0xE8, 0x21, 0x4D, 0xC9, 0x0B, 0xB2, 0x3E, 0x55, 0x14, 0xC9, 0x21], "e");
        Assert.That(response.Interval, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("165.232.33.77:51467"), IPEndPoint.Parse("178.62.85.20:51489") }));
    }

    [Test]
    public void ReadsTheDictionaryPeerList()
    {
        var response = Parse("d8:intervali900e5:peersld2:ip8:10.0.0.17:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti6881eed2:ip3:::14:porti7eed2:ip11:example.org4:porti1eed2:ip8:10.0.0.24:porti0eeee");
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("10.0.0.1:6881"), IPEndPoint.Parse("[::1]:7") }),
            "literal addresses are kept; host names and port 0 are skipped");
    }

    [Test]
    public void ReadsPeers6()
    {
        var ipv6 = new byte[18];
        ipv6[15] = 1; // ::1
        ipv6[16] = 0x1A; ipv6[17] = 0xE1; // 6881
        var response = Parse("d8:intervali1e5:peers0:6:peers618:", ipv6, "e");
        Assert.That(response.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("[::1]:6881") }));
    }

    [Test]
    public void ReadsTheOptionalFields()
    {
        var response = Parse("d8:completei5e10:incompletei7e8:intervali1800e12:min intervali60e5:peers0:10:tracker id3:xyz15:warning message10:be carefule");
        Assert.Multiple(() =>
        {
            Assert.That(response.Complete, Is.EqualTo(5));
            Assert.That(response.Incomplete, Is.EqualTo(7));
            Assert.That(response.Interval, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(response.MinInterval, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(response.TrackerId, Is.EqualTo("xyz"));
            Assert.That(response.Warning, Is.EqualTo("be careful"));
            Assert.That(response.Peers, Is.Empty);
            Assert.That(response.TrackerUrl, Is.EqualTo(Url));
        });
    }

    [Test]
    public void DropsDuplicatePeers()
    {
        var response = Parse("d8:intervali1e5:peers12:", [127, 0, 0, 1, 0x1A, 0xE1, 127, 0, 0, 1, 0x1A, 0xE1], "e");
        Assert.That(response.Peers, Has.Count.EqualTo(1));
    }

    [Test]
    public void AFailureReasonIsARefusalInTheTrackersWords()
    {
        var e = Assert.Throws<TrackerException>(() => Parse("d14:failure reason36:Requested download is not authorizede"))!;
        Assert.That(e.Message, Is.EqualTo($"tracker {Url}: refused the announce: Requested download is not authorized"));
        Assert.That(e.IsRefusal, Is.True);
        Assert.That(e.Tracker, Is.EqualTo(Url));
    }

    [TestCase("<html><body>502 Bad Gateway</body></html>", "not bencode")]
    [TestCase("", "empty body")]
    [TestCase("li1ee", "not a dictionary")]
    [TestCase("d8:intervali60e5:peers5:abcdee", "multiple of 6")]
    [TestCase("d8:intervali60e6:peers67:abcdefge", "multiple of 18")]
    [TestCase("d8:intervali-5e5:peers0:e", "interval")]
    [TestCase("d8:intervali60e5:peersi3ee", "neither a string nor a list")]
    [TestCase("d8:intervali60e5:peersli1eee", "not a dictionary")]
    public void GarbageIsAClearError(string body, string expected)
    {
        var e = Assert.Throws<TrackerException>(() => Parse(body))!;
        Assert.That(e.Message, Does.StartWith($"tracker {Url}: ").And.Contain(expected));
        Assert.That(e.IsRefusal, Is.False);
    }

    [Test]
    public void AMissingIntervalFallsBackToHalfAnHour()
    {
        Assert.That(Parse("d5:peers0:e").Interval, Is.EqualTo(HttpAnnounceResponseParser.DefaultInterval));
    }
}
