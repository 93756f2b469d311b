using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo.Magnet;

[Stage(2)]
public class MagnetParserTests
{
    private const string Hex = "d69f91e6b2ae4c542468d1073a71d4ea13879a7f";

    [Test]
    public void ReadsTheCourseLink()
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&dn=sample.torrent&tr=http%3A%2F%2Fbittorrent-test-tracker.codecrafters.io%2Fannounce");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex));
        Assert.That(link.DisplayName, Is.EqualTo("sample.torrent"));
        Assert.That(link.Trackers, Is.EqualTo(new[] { "http://bittorrent-test-tracker.codecrafters.io/announce" }));
        Assert.That(link.Peers, Is.Empty);
    }

    [Test]
    public void UpperCaseHexAndScheme()
    {
        var link = MagnetLink.Parse($"MAGNET:?xt=urn:btih:{Hex.ToUpperInvariant()}");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex));
        Assert.That(link.DisplayName, Is.Null);
    }

    [Test]
    public void Base32InfoHash()
    {
        byte[] bytes = Convert.FromHexString(Hex);
        string base32 = Base32.Encode(bytes);
        Assert.That(base32, Has.Length.EqualTo(32));
        Assert.That(MagnetLink.Parse($"magnet:?xt=urn:btih:{base32}").InfoHash.Hex, Is.EqualTo(Hex));
        Assert.That(MagnetLink.Parse($"magnet:?xt=urn:btih:{base32.ToLowerInvariant()}").InfoHash.Hex, Is.EqualTo(Hex));
    }

    [Test]
    public void Base32KnownVector() =>
        // RFC 4648 test vector.
        Assert.That(Base32.Encode("foobar"u8), Is.EqualTo("MZXW6YTBOI"));

    [Test]
    public void EveryTrackerPeerAndPercentDecoding()
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&dn=caf%C3%A9+au+lait&tr=udp%3A%2F%2F127.0.0.1%3A6969&tr=http://127.0.0.1:6969/announce"
            + "&tr.1=udp%3A%2F%2F127.0.0.1%3A6969&x.pe=127.0.0.1:6881&x.pe=%5B%3A%3A1%5D%3A6882&xl=1234&ws=http://x/");
        Assert.That(link.DisplayName, Is.EqualTo("café au lait"));
        Assert.That(link.Trackers, Is.EqualTo(new[] { "udp://127.0.0.1:6969", "http://127.0.0.1:6969/announce" }), "duplicates are removed");
        Assert.That(link.Peers, Is.EqualTo(new[] { IPEndPoint.Parse("127.0.0.1:6881"), IPEndPoint.Parse("[::1]:6882") }));
        Assert.That(link.TrackerTiers, Has.Count.EqualTo(2));
    }

    [Test]
    public void SeveralTopicsUseTheBtihOne()
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:ed2k:31d6cfe0d16ae931b73c59d7e0c089c0&xt=urn:btmh:1220{new string('a', 64)}&xt=urn:btih:{Hex}");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex));
    }

    [Test]
    public void WrittenLinkReadsBack()
    {
        var original = new MagnetLink(InfoHash.FromHex(Hex), "a & b = c?", ["http://127.0.0.1:6969/announce?x=1&y=2"], [IPEndPoint.Parse("127.0.0.1:6881"), IPEndPoint.Parse("[::1]:7")]);
        string text = original.ToString();
        Assert.That(text, Does.StartWith($"magnet:?xt=urn:btih:{Hex}&dn=a%20%26%20b"));
        var back = MagnetLink.Parse(text);
        Assert.That(back.InfoHash, Is.EqualTo(original.InfoHash));
        Assert.That(back.DisplayName, Is.EqualTo(original.DisplayName));
        Assert.That(back.Trackers, Is.EqualTo(original.Trackers));
        Assert.That(back.Peers, Is.EqualTo(original.Peers));
    }

    [TestCase("http://example/file.torrent", "Not a magnet link")]
    [TestCase("sample.torrent", "Not a magnet link")]
    [TestCase("magnet:xt=urn:btih:x", "must be followed by \"?\"")]
    [TestCase("magnet:?dn=nothing", "has no info hash")]
    [TestCase("magnet:?", "has no info hash")]
    [TestCase("magnet:?xt=urn:btmh:1220aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "v2 torrents are not supported yet")]
    [TestCase("magnet:?xt=urn:ed2k:31d6cfe0d16ae931b73c59d7e0c089c0", "not for BitTorrent")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a", "has 38 characters")]
    [TestCase("magnet:?xt=urn:btih:", "has 0 characters")]
    [TestCase("magnet:?xt=urn:btih:zz9f91e6b2ae4c542468d1073a71d4ea13879a7f", "not hexadecimal")]
    [TestCase("magnet:?xt=urn:btih:0000000000000000000000000000000!", "not base32")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&xt=urn:btih:0000000000000000000000000000000000000000", "several different torrents")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&x.pe=example.org:6881", "host names are not looked up")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&x.pe=127.0.0.1", "port is missing")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&x.pe=127.0.0.1:0", "port must be")]
    [TestCase("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&x.pe=%00%1b[2J:1", "\\x00\\x1b")]
    public void HostileOrUnusableLinksGiveOneLine(string link, string expected)
    {
        var error = Assert.Throws<MetainfoException>(() => MagnetLink.Parse(link))!;
        Assert.That(error.Message, Does.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain('\n'));
        Assert.That(error.Message.Any(char.IsControl), Is.False, "control characters of the link are escaped");
    }

    [Test]
    public void HugeLinksAreRefused()
    {
        string link = $"magnet:?xt=urn:btih:{Hex}" + string.Concat(Enumerable.Repeat("&tr=udp://127.0.0.1:1", 20_000));
        Assert.That(() => MagnetLink.Parse(link), Throws.TypeOf<MetainfoException>().With.Message.Contains("too long"));
    }

    [Test]
    public void TooManyEntriesAreRefused()
    {
        string link = $"magnet:?xt=urn:btih:{Hex}" + string.Concat(Enumerable.Range(1, MagnetParser.MaxEntries + 1).Select(i => $"&x.pe=127.0.0.1:{i}"));
        Assert.That(() => MagnetLink.Parse(link), Throws.TypeOf<MetainfoException>().With.Message.Contains("more than 200"));
    }

    [Test]
    public void MalformedEscapesAreRefused()
    {
        Assert.That(MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&dn=100%25").DisplayName, Is.EqualTo("100%"));
        foreach (string bad in new[] { "dn=100%25%G1", "dn=100%", "tr=udp%3A%2F%2F127.0.0.1%3", "x.pe=127.0.0.1%3A68%8" })
            Assert.That(() => MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&{bad}"),
                Throws.TypeOf<MetainfoException>().With.Message.Contains("not valid percent-encoding"), bad);
    }

    [Test]
    public void MagnetOfATorrentNamesItsHashNameAndTrackers()
    {
        var torrent = Torrent.Parse(Fixtures.Fixture.SampleTorrent());
        var link = MagnetLink.For(torrent);
        Assert.That(link.ToString(), Is.EqualTo($"magnet:?xt=urn:btih:{torrent.InfoHash.Hex}&dn={Uri.EscapeDataString(torrent.Name)}&tr={Uri.EscapeDataString(torrent.Announce!)}"));
    }
}
