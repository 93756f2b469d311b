using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Magnet.Lesson;

/// <summary>Lesson 07, step 2 (07-magnet.info-hash): the info hash of <c>xt=urn:btih:</c>, in hex or base32 (BEP 9).</summary>
[Stage(7)]
public class Step2InfoHashTests
{
    private const string Hex = "d69f91e6b2ae4c542468d1073a71d4ea13879a7f";
    private static readonly string Base32Text = Base32.Encode(Convert.FromHexString(Hex));

    private static InfoHash Read(string rule, params string[] topics) =>
        LessonAssert.Valid(() => MagnetParser.ReadInfoHash(topics), $"Step 2 (info hash): {rule}; xt = {string.Join(", ", topics)} names one info hash");

    private static void Refused(string why, params string[] topics) =>
        Assert.That(() => MagnetParser.ReadInfoHash(topics), Throws.TypeOf<MetainfoException>(), $"Step 2 (info hash): {why}: a MetainfoException (one line for the user)");

    [Test]
    public void ReadsFortyHexDigits()
    {
        Assert.That(Read("40 hex digits", $"urn:btih:{Hex}").Hex, Is.EqualTo(Hex), "Step 2 (info hash): after \"urn:btih:\", 40 hex digits are the 20 bytes of the info hash");
    }

    [Test]
    public void ReadsUpperCaseHexDigits()
    {
        Assert.That(Read("hex digits may be upper case", $"urn:btih:{Hex.ToUpperInvariant()}").Hex, Is.EqualTo(Hex),
            "Step 2 (info hash): hex digits may be upper case (D69F…): the same info hash as d69f…");
    }

    [Test]
    public void ReadsThirtyTwoBase32Characters()
    {
        Assert.That(Read("32 characters are base32 (Base32.Decode)", $"urn:btih:{Base32Text}").Hex, Is.EqualTo(Hex),
            $"Step 2 (info hash): BEP 9: the hash may also be 32 base32 characters ({Base32Text} is {Hex}): decode it with Base32.Decode");
        Assert.That(Read("base32 may be lower case", $"urn:btih:{Base32Text.ToLowerInvariant()}").Hex, Is.EqualTo(Hex),
            "Step 2 (info hash): base32 in lower case is the same hash (clients write both)");
    }

    [Test]
    public void AcceptsTheUrnInAnyCase()
    {
        Assert.That(Read("urn:btih: is case-insensitive", $"URN:BTIH:{Hex}").Hex, Is.EqualTo(Hex), "Step 2 (info hash): \"urn:btih:\" is case-insensitive (URN:BTIH: is the same)");
    }

    [Test]
    public void UsesTheBtihTopicAmongOthers()
    {
        Assert.That(Read("of several xt, the urn:btih: one counts", "urn:sha1:TXGCZQTH26NL6OUQAJJPFALHG2LTGBC7", $"urn:btih:{Hex}").Hex, Is.EqualTo(Hex),
            "Step 2 (info hash): a link may carry several xt (other networks' hashes too): use the urn:btih: one, wherever it is");
        Assert.That(Read("the same hash in hex and base32 is one torrent", $"urn:btih:{Hex}", $"urn:btih:{Base32Text}").Hex, Is.EqualTo(Hex),
            "Step 2 (info hash): the same hash twice (hex and base32) is one torrent, not an error");
    }

    [TestCase(39)]
    [TestCase(41)]
    [TestCase(64)]
    public void RefusesAHashOfTheWrongLength(int length)
    {
        string text = string.Concat(Enumerable.Repeat(Hex, 2))[..length];
        Refused($"a hash of {length} characters is neither 40 hex digits nor 32 base32 characters", $"urn:btih:{text}");
    }

    [Test]
    public void RefusesFortyCharactersThatAreNotHex()
    {
        Refused("40 characters with a 'g' in them are not hex digits", $"urn:btih:g{Hex[1..]}");
    }

    [Test]
    public void RefusesThirtyTwoCharactersThatAreNotBase32()
    {
        Refused("base32 has the letters A-Z and the digits 2-7 only: a '1', '8' or '=' makes 32 characters that are not an info hash",
            $"urn:btih:{Base32Text[..30]}18");
    }

    [Test]
    public void RefusesALinkWithoutAnInfoHash()
    {
        Refused("no xt at all: there is nothing to download");
        Refused("an xt that is not urn:btih: names something that is not a BitTorrent v1 torrent", "urn:sha1:TXGCZQTH26NL6OUQAJJPFALHG2LTGBC7");
    }

    [Test]
    public void SaysThatAV2OnlyLinkIsNotSupported()
    {
        var topic = "urn:btmh:1220" + new string('a', 64);
        Assert.That(() => MagnetParser.ReadInfoHash([topic]), Throws.TypeOf<MetainfoException>().With.Message.Contains("v2"),
            "Step 2 (info hash): xt=urn:btmh: alone is a v2 (BEP 52) torrent: refuse it with a message that says \"v2\", so the user knows why");
    }

    [Test]
    public void RefusesTwoDifferentInfoHashes()
    {
        Refused("two different urn:btih: hashes name two torrents: which one would we fetch?", $"urn:btih:{Hex}", $"urn:btih:{new string('0', 40)}");
    }
}
