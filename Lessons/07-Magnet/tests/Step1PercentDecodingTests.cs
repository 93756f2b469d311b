using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Magnet.Lesson;

/// <summary>Lesson 07, step 1 (07-magnet.percent-decoding): a magnet link's values are percent-encoded UTF-8 (RFC 3986).</summary>
[Stage(7)]
public class Step1PercentDecodingTests
{
    private const string Rule = "Step 1 (percent-decoding): \"%\" and two hex digits are one byte, every other character its own UTF-8 bytes, and the bytes are UTF-8 text";

    private static string Decode(string text, string why) => LessonAssert.Valid(() => MagnetParser.PercentDecode(text), $"{Rule}; \"{text}\" is valid: {why}");

    [Test]
    public void DecodesEachEscapeToItsCharacter()
    {
        Assert.That(Decode("http%3A%2F%2F127.0.0.1%3A6969%2Fannounce", "each escape is one byte"), Is.EqualTo("http://127.0.0.1:6969/announce"),
            "Step 1 (percent-decoding): %3A is the byte 0x3A, ':'; %2F is '/' (a tracker URL inside a magnet link is written this way)");
    }

    [Test]
    public void KeepsEveryOtherCharacterAsWritten()
    {
        Assert.That(Decode("sample.torrent", "no escape at all"), Is.EqualTo("sample.torrent"), "Step 1 (percent-decoding): text without '%' comes out unchanged");
        Assert.That(Decode("a+b=c", "'+' and '=' are ordinary characters"), Is.EqualTo("a+b=c"),
            "Step 1 (percent-decoding): '+' and '=' are ordinary characters here ('+' is a space only in dn, and that is step 3's business)");
    }

    [Test]
    public void ReadsTheEscapedBytesAsUtf8()
    {
        Assert.That(Decode("caf%C3%A9", "two escaped bytes of one UTF-8 character"), Is.EqualTo("café"),
            "Step 1 (percent-decoding): %C3%A9 are two bytes of ONE character, é in UTF-8: collect the bytes, then read them as UTF-8 (not one char per escape, which gives \"cafÃ©\")");
        Assert.That(Decode("%E2%82%AC%F0%9F%A7%B2", "three and four escaped bytes of one UTF-8 character"), Is.EqualTo("€🧲"),
            "Step 1 (percent-decoding): three and four UTF-8 bytes make one character too");
    }

    [Test]
    public void MixesEscapesWithCharactersWrittenAsThemselves()
    {
        Assert.That(Decode("日本%E8%AA%9E ü", "unescaped characters stand for their UTF-8 bytes"), Is.EqualTo("日本語 ü"),
            "Step 1 (percent-decoding): a link pasted from a browser may hold unescaped non-ASCII characters next to escapes: each stands for its own UTF-8 bytes");
    }

    [Test]
    public void AcceptsLowerCaseHexDigits()
    {
        Assert.That(Decode("caf%c3%a9%2f", "hex digits may be lower case"), Is.EqualTo("café/"),
            "Step 1 (percent-decoding): RFC 3986 hex digits may be lower case (%c3%a9 is é, %2f is '/')");
    }

    [Test]
    public void DecodesEachEscapeOnlyOnce()
    {
        Assert.That(Decode("100%25", "%25 is a '%'"), Is.EqualTo("100%"), "Step 1 (percent-decoding): %25 is a '%' sign");
        Assert.That(Decode("%2541", "decode once"), Is.EqualTo("%41"),
            "Step 1 (percent-decoding): decode once, left to right: %25 gives '%', and the \"41\" after it stays text (decoding twice would give \"A\")");
    }

    [TestCase("100%")]
    [TestCase("%4")]
    [TestCase("%G1")]
    [TestCase("a%%41")]
    [TestCase("%+1")]
    public void RefusesAPercentSignWithoutTwoHexDigits(string text)
    {
        Assert.That(() => MagnetParser.PercentDecode(text), Throws.TypeOf<MetainfoException>(),
            $"Step 1 (percent-decoding): \"{text}\" has a '%' not followed by two hex digits: that is not percent-encoding, refuse it with a MetainfoException (a one-line error for the user) rather than guess");
    }
}
