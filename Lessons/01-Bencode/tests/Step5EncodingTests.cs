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
        Assert.That(EncodeValid(new BString("spam"), "a string is written as its byte length, ':', its bytes"), Is.EqualTo("4:spam"), "a string is its byte length, ':', then its bytes");
    }

    [Test]
    public void EncodesAStringByItsByteLength()
    {
        Assert.That(EncodeValid(new BString("é"), "a string is written as its byte length, ':', its bytes"), Is.EqualTo("2:\u00c3\u00a9"), "\"é\" is 2 bytes in UTF-8: the length counts bytes, not characters");
    }

    [Test]
    public void EncodesIntegers()
    {
        Assert.That(EncodeValid(new BInteger(42), "an integer is written as 'i', its digits, 'e'"), Is.EqualTo("i42e"), "an integer is 'i', its digits, 'e'");
        Assert.That(EncodeValid(new BInteger(-3), "an integer is written as 'i', its digits, 'e'"), Is.EqualTo("i-3e"), "a negative integer keeps its '-'");
    }

    [Test]
    public void EncodesAList()
    {
        var list = new BList([new BString("spam"), new BInteger(42), new BList()]);
        Assert.That(EncodeValid(list, "a list is written as 'l', each item, 'e'"), Is.EqualTo("l4:spami42elee"), "a list is 'l', each item encoded in order, 'e'");
    }

    [Test]
    public void EncodesADictionaryWithSortedKeys()
    {
        var dictionary = new BDictionary { { "zebra", new BInteger(1) }, { "apple", new BString("x") } };
        Assert.That(EncodeValid(dictionary, "a dictionary is written as 'd', key and value for each entry in key order, 'e'"), Is.EqualTo("d5:apple1:x5:zebrai1ee"),
            "BEP 3: dictionary keys are written sorted, whatever order they were added in");
    }

    [Test]
    public void SortsKeysByTheirRawBytes()
    {
        var dictionary = new BDictionary { { "a", new BInteger(1) }, { "B", new BInteger(2) }, { "\u00ff", new BInteger(3) } };
        Assert.That(EncodeValid(dictionary, "a dictionary is written as 'd', key and value for each entry in key order, 'e'"), Is.EqualTo("d1:Bi2e1:ai1e2:\u00c3\u00bfi3ee"),
            "keys compare byte by byte: 'B' (0x42) before 'a' (0x61) before 0xC3; not alphabetically, not ignoring case");
    }

    [Test]
    public void ComparesKeysByteByByteNotByLength()
    {
        var dictionary = new BDictionary { { "b", new BInteger(1) }, { "ab", new BInteger(2) }, { "a", new BInteger(3) } };
        Assert.That(EncodeValid(dictionary, "keys in raw-byte order"), Is.EqualTo("d1:ai3e2:abi2e1:bi1ee"),
            "\"a\" < \"ab\" (a prefix sorts first) < \"b\" (the first byte decides, not the length)");
    }

    [Test]
    public void SortsKeysThatAreNotValidUtf8ByTheirBytes()
    {
        var dictionary = new BDictionary();
        dictionary.Set(new BString(new byte[] { 0xFF }), new BInteger(1));
        dictionary.Set(new BString(new byte[] { 0xFE }), new BInteger(2));
        dictionary.Set(new BString(new byte[] { 0x80, (byte)'a' }), new BInteger(3));
        Assert.That(EncodeValid(dictionary, "keys in raw-byte order"), Is.EqualTo("d2:\u0080ai3e1:\u00fei2e1:\u00ffi1ee"),
            "keys are bytes, and these are not valid UTF-8: as text all three start with the same U+FFFD replacement character, " +
            "so a sort by key text cannot order them; compare the raw bytes (0x80 < 0xFE < 0xFF)");
    }

    [Test]
    public void SortsKeysOutsideTheBasicMultilingualPlaneByTheirBytes()
    {
        var dictionary = new BDictionary { { "\U0001F600", new BInteger(1) }, { "\uFF21", new BInteger(2) } };
        Assert.That(EncodeValid(dictionary, "keys in raw-byte order"), Is.EqualTo("d3:\u00ef\u00bc\u00a1i2e4:\u00f0\u009f\u0098\u0080i1ee"),
            "U+FF21 is EF BC A1 in UTF-8 and U+1F600 is F0 9F 98 80, so U+FF21 comes first; a sort by text (UTF-16: D83D DE00 < FF21) " +
            "puts them the other way round. Compare the keys' bytes, not their text");
    }

    [Test]
    public void SortsKeysThatDifferAfterAMultiByteCharacter()
    {
        var dictionary = new BDictionary { { "\u00e9\U0001F600", new BInteger(1) }, { "\u00e9\uFF21", new BInteger(2) }, { "\u00e9b", new BInteger(3) }, { "\u00e9a", new BInteger(4) } };
        Assert.That(EncodeValid(dictionary, "keys in raw-byte order"),
            Is.EqualTo("d3:\u00c3\u00a9ai4e3:\u00c3\u00a9bi3e5:\u00c3\u00a9\u00ef\u00bc\u00a1i2e6:\u00c3\u00a9\u00f0\u009f\u0098\u0080i1ee"),
            "all four keys start with \"\u00e9\" (C3 A9); after it 'a' < 'b' < EF BC A1 < F0 9F 98 80. Compare every byte, " +
            "not only the first, and as bytes, not as UTF-16 text");
    }

    [TestCase("d3:foo3:bar5:helloi52ee")]
    [TestCase("d4:listli1ei-2e0:e4:spamd3:egg3:hamee")]
    public void RoundTripsCanonicalInput(string bencode)
    {
        Assert.That(EncodeValid(DecodeValid(bencode, "Steps 1-4 decode it."), "decoding then encoding canonical bencode gives it back"), Is.EqualTo(bencode), "decoding then encoding canonical bencode gives the same bytes back");
    }
}
