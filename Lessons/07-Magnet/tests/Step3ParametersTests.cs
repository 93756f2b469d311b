using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Magnet.Lesson;

/// <summary>Lesson 07, step 3 (07-magnet.parameters): the whole link, <c>xt</c>, <c>dn</c>, every <c>tr</c> and <c>x.pe</c> (BEP 9).</summary>
[Stage(7)]
public class Step3ParametersTests
{
    private const string Hex = "ad42ce8109f54c99613ce38f9b4d87e70f24a165";

    private static MagnetLink Parse(string link) =>
        LessonAssert.Valid(() => MagnetLink.Parse(link), $"Step 3 (parameters): {link} is a valid magnet link");

    [Test]
    public void ReadsTheCourseLink()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&dn=magnet1.gif&tr=http%3A%2F%2Fbittorrent-test-tracker.codecrafters.io%2Fannounce");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex), "Step 3 (parameters): xt=urn:btih:<hash> is the info hash (give the xt values to ReadInfoHash)");
        Assert.That(link.DisplayName, Is.EqualTo("magnet1.gif"), "Step 3 (parameters): dn is the display name");
        Assert.That(link.Trackers, Is.EqualTo(new[] { "http://bittorrent-test-tracker.codecrafters.io/announce" }),
            "Step 3 (parameters): tr is a tracker URL, percent-decoded (http%3A%2F%2F… is http://…)");
        Assert.That(link.Peers, Is.Empty, "Step 3 (parameters): no x.pe, no peer addresses");
    }

    [Test]
    public void ReadsALinkWithOnlyTheInfoHash()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex), "Step 3 (parameters): xt is the only parameter a magnet link must have");
        Assert.That(link.DisplayName, Is.Null, "Step 3 (parameters): without dn the name is null (not \"\")");
        Assert.That(link.Trackers, Is.Empty, "Step 3 (parameters): without tr, no trackers (the peers come from x.pe, DHT or --peer)");
    }

    [Test]
    public void ReadsEveryTrackerInOrder()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&tr=udp%3A%2F%2F127.0.0.1%3A6969&tr=http%3A%2F%2F127.0.0.1%3A8000%2Fannounce&tr.1=http%3A%2F%2F127.0.0.2%2Fa");
        Assert.That(link.Trackers, Is.EqualTo(new[] { "udp://127.0.0.1:6969", "http://127.0.0.1:8000/announce", "http://127.0.0.2/a" }),
            "Step 3 (parameters): tr may repeat: keep every one, in the link's order, each percent-decoded (and \"tr.1\", a numbered copy, is a tr too)");
    }

    [Test]
    public void KeepsATrackerNamedTwiceOnce()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&tr=http%3A%2F%2F127.0.0.1%2Fa&tr=http://127.0.0.1/a&tr=");
        Assert.That(link.Trackers, Is.EqualTo(new[] { "http://127.0.0.1/a" }),
            "Step 3 (parameters): the same tracker twice (once escaped, once not) is one tracker, and an empty tr is none");
    }

    [Test]
    public void PercentDecodesTheName()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&dn=caf%C3%A9+au+lait%2B");
        Assert.That(link.DisplayName, Is.EqualTo("café au lait+"),
            "Step 3 (parameters): dn is percent-decoded UTF-8, and in dn a '+' is a space (as in a web form); an escaped %2B stays a '+'");
    }

    [Test]
    public void KeepsTheLastName()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&dn=first&dn=second");
        Assert.That(link.DisplayName, Is.EqualTo("second"),
            "Step 3 (parameters): the last dn wins: a link with two dn is named by the later one");
    }

    [Test]
    public void TurnsPlusIntoASpaceOnlyInTheName()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&tr=http%3A%2F%2F127.0.0.1%2Fa+b&dn=a+b");
        Assert.That((link.DisplayName, link.Trackers[0]), Is.EqualTo(("a b", "http://127.0.0.1/a+b")),
            "Step 3 (parameters): a '+' is a space only in dn; in tr (and every other value) a '+' stays a '+'");
    }

    [Test]
    public void SplitsAParameterAtTheFirstEquals()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&tr=http%3A%2F%2F127.0.0.1%2Fannounce?key=abc&dn=x=y");
        Assert.That((link.DisplayName, link.Trackers.FirstOrDefault()), Is.EqualTo(("x=y", "http://127.0.0.1/announce?key=abc")),
            "Step 3 (parameters): split a parameter at its first '=': the key comes before it, and the value is all the rest (a value may contain '=')");
    }

    [Test]
    public void ReadsPeerAddresses()
    {
        var link = Parse($"magnet:?xt=urn:btih:{Hex}&x.pe=127.0.0.1:6881&x.pe=%5B%3A%3A1%5D%3A6882");
        Assert.That(link.Peers, Is.EqualTo(new[] { new IPEndPoint(IPAddress.Loopback, 6881), new IPEndPoint(IPAddress.IPv6Loopback, 6882) }),
            "Step 3 (parameters): x.pe is a peer's \"ip:port\" (BEP 9), may repeat, and is percent-decoded too ([::1]:6882 is escaped as %5B%3A%3A1%5D%3A6882); read it with PeerEndpoint.TryParse");
    }

    [Test]
    public void RefusesAPeerThatIsNotAnAddress()
    {
        Assert.That(() => MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&x.pe=localhost:6881"), Throws.TypeOf<MetainfoException>(),
            "Step 3 (parameters): an x.pe that PeerEndpoint.TryParse cannot read is a MetainfoException (say what is wrong), not a peer skipped in silence or a null");
    }

    [Test]
    public void IgnoresParametersItDoesNotUse()
    {
        var link = Parse($"magnet:?xl=10826029&xt=urn:btih:{Hex}&ws=http%3A%2F%2F127.0.0.1%2Fseed&kt=a+b&so=0-3&flag&dn=x");
        Assert.That(link.InfoHash.Hex, Is.EqualTo(Hex), "Step 3 (parameters): xl, ws, kt, so (and a key without '=') are other parameters: ignore them, wherever xt is");
        Assert.That(link.DisplayName, Is.EqualTo("x"), "Step 3 (parameters): a parameter after ones you ignore is still read");
    }

    [Test]
    public void ReadsKeysInAnyCase()
    {
        var link = Parse($"magnet:?XT=urn:btih:{Hex}&DN=x&Tr=udp%3A%2F%2F127.0.0.1%3A1");
        Assert.That((link.DisplayName, link.Trackers.Count), Is.EqualTo(("x", 1)), "Step 3 (parameters): keys are case-insensitive: XT, DN and Tr are xt, dn and tr");
    }

    [Test]
    public void ReadsABase32Link()
    {
        string base32 = Base32.Encode(Convert.FromHexString(Hex));
        Assert.That(Parse($"magnet:?xt=urn%3Abtih%3A{base32}").InfoHash.Hex, Is.EqualTo(Hex),
            "Step 3 (parameters): the xt value is percent-decoded before ReadInfoHash reads it (urn%3Abtih%3A is urn:btih:), and a base32 hash is as good as hex");
    }

    [Test]
    public void RefusesBadPercentEncodingInAnyValue()
    {
        foreach (string bad in new[] { "tr=udp%3A%2F%2F127.0.0.1%3", "dn=100%", "x.pe=127.0.0.1%3A68%G1" })
            Assert.That(() => MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&{bad}"), Throws.TypeOf<MetainfoException>(),
                $"Step 3 (parameters): {bad} is not valid percent-encoding: every value goes through PercentDecode, which refuses it");
    }

    [Test]
    public void RefusesALinkWithoutAnInfoHash()
    {
        Assert.That(() => MagnetLink.Parse("magnet:?dn=x&tr=udp%3A%2F%2F127.0.0.1%3A1"), Throws.TypeOf<MetainfoException>(),
            "Step 3 (parameters): a link without xt names no torrent: ReadInfoHash, given no xt, says so");
    }

    [Test]
    public void RefusesMoreTrackersThanTheLimit()
    {
        string link = $"magnet:?xt=urn:btih:{Hex}" + string.Concat(Enumerable.Range(1, MagnetParser.MaxEntries + 1).Select(i => $"&tr=udp%3A%2F%2F127.0.0.1%3A{i}"));
        Assert.That(() => MagnetLink.Parse(link), Throws.TypeOf<MetainfoException>(),
            $"Step 3 (parameters): at most MaxEntries ({MagnetParser.MaxEntries}) tr: a hostile link must not make us announce to thousands of trackers");
    }

    [Test]
    public void RefusesMoreInfoHashesThanTheLimit()
    {
        string link = "magnet:?" + string.Concat(Enumerable.Repeat($"xt=urn:btih:{Hex}&", MagnetParser.MaxEntries + 1));
        Assert.That(() => MagnetLink.Parse(link), Throws.TypeOf<MetainfoException>(),
            $"Step 3 (parameters): at most MaxEntries ({MagnetParser.MaxEntries}) xt, as for tr: a hostile link must not make us hold an unbounded list (even of one hash repeated)");
    }

    [Test]
    public void RefusesMorePeersThanTheLimit()
    {
        string link = $"magnet:?xt=urn:btih:{Hex}" + string.Concat(Enumerable.Range(1, MagnetParser.MaxEntries + 1).Select(i => $"&x.pe=127.0.0.1:{i}"));
        Assert.That(() => MagnetLink.Parse(link), Throws.TypeOf<MetainfoException>(),
            $"Step 3 (parameters): at most MaxEntries ({MagnetParser.MaxEntries}) x.pe, as for tr: a hostile link must not make us connect to thousands of peers");
    }
}
