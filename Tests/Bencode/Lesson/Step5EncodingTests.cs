using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Bencode.Lesson.LessonBencode;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Lesson 01, step 5 (01-bencode.encoding): values back to bencode, keys sorted.</summary>
[Stage(1)]
public class Step5EncodingTests
{
    [Test]
    public void EncodesAString()
    {
        Assert.That(Encode(new BString("spam")), Is.EqualTo("4:spam"), "a string is its byte length, ':', then its bytes");
    }

    [Test]
    public void EncodesAStringByItsByteLength()
    {
        Assert.That(Encode(new BString("é")), Is.EqualTo("2:\u00c3\u00a9"), "\"é\" is 2 bytes in UTF-8: the length counts bytes, not characters");
    }

    [Test]
    public void EncodesIntegers()
    {
        Assert.That(Encode(new BInteger(42)), Is.EqualTo("i42e"), "an integer is 'i', its digits, 'e'");
        Assert.That(Encode(new BInteger(-3)), Is.EqualTo("i-3e"), "a negative integer keeps its '-'");
    }

    [Test]
    public void EncodesAList()
    {
        var list = new BList([new BString("spam"), new BInteger(42), new BList()]);
        Assert.That(Encode(list), Is.EqualTo("l4:spami42elee"), "a list is 'l', each item encoded in order, 'e'");
    }

    [Test]
    public void EncodesADictionaryWithSortedKeys()
    {
        var dictionary = new BDictionary { { "zebra", new BInteger(1) }, { "apple", new BString("x") } };
        Assert.That(Encode(dictionary), Is.EqualTo("d5:apple1:x5:zebrai1ee"),
            "BEP 3: dictionary keys are written sorted, whatever order they were added in");
    }

    [Test]
    public void SortsKeysByTheirRawBytes()
    {
        var dictionary = new BDictionary { { "a", new BInteger(1) }, { "B", new BInteger(2) }, { "\u00ff", new BInteger(3) } };
        Assert.That(Encode(dictionary), Is.EqualTo("d1:Bi2e1:ai1e2:\u00c3\u00bfi3ee"),
            "keys compare byte by byte: 'B' (0x42) before 'a' (0x61) before 0xC3; not alphabetically, not ignoring case");
    }

    [TestCase("d3:foo3:bar5:helloi52ee")]
    [TestCase("d4:listli1ei-2e0:e4:spamd3:egg3:hamee")]
    public void RoundTripsCanonicalInput(string bencode)
    {
        Assert.That(Encode(Decode(bencode)), Is.EqualTo(bencode), "decoding then encoding canonical bencode gives the same bytes back");
    }
}
