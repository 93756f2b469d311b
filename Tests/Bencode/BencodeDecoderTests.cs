using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Bencode;

[Stage(1)]
public class BencodeDecoderTests
{
    private static BValue Decode(string text) => BencodeDecoder.Decode(Encoding.UTF8.GetBytes(text));

    [TestCase("5:hello", "hello")]
    [TestCase("0:", "")]
    [TestCase("10:0123456789", "0123456789")]
    [TestCase("3:a:b", "a:b")]
    public void DecodesByteStrings(string input, string expected) =>
        Assert.That(((BString)Decode(input)).Text, Is.EqualTo(expected));

    [Test]
    public void ByteStringsStayBytes()
    {
        byte[] input = [(byte)'4', (byte)':', 0x00, 0xff, 0xc3, 0x28];
        var value = (BString)BencodeDecoder.Decode(input);
        Assert.That(value.Bytes.ToArray(), Is.EqualTo(new byte[] { 0x00, 0xff, 0xc3, 0x28 }));
        Assert.That(value.Text, Does.Contain("\uFFFD"), "invalid UTF-8 shows as U+FFFD in the text view only");
    }

    [Test]
    public void DecodedStringsAreSlicesOfTheInputNotCopies()
    {
        byte[] input = "d3:key5:valuee"u8.ToArray();
        var value = (BString)((BDictionary)BencodeDecoder.Decode(input)).Get("key"u8)!;
        input[8] = (byte)'V';
        Assert.That(value.Text, Is.EqualTo("Value"));
    }

    [TestCase("i0e", 0L)]
    [TestCase("i42e", 42L)]
    [TestCase("i-42e", -42L)]
    [TestCase("i4294967296e", 4294967296L)]
    [TestCase("i9223372036854775807e", long.MaxValue)]
    [TestCase("i-9223372036854775808e", long.MinValue)]
    public void DecodesSixtyFourBitIntegers(string input, long expected) =>
        Assert.That(((BInteger)Decode(input)).Value, Is.EqualTo(expected));

    [TestCase("i-0e", "negative zero")]
    [TestCase("i03e", "leading zeros")]
    [TestCase("i-03e", "leading zeros")]
    [TestCase("i00e", "leading zeros")]
    [TestCase("ie", "expected a number")]
    [TestCase("i-e", "expected a number")]
    [TestCase("i+5e", "expected a digit")]
    [TestCase("i1.5e", "expected a digit")]
    [TestCase("i 5e", "expected a digit")]
    [TestCase("i5", "unexpected end of input")]
    [TestCase("i9223372036854775808e", "does not fit in 64 bits")]
    [TestCase("i-9223372036854775809e", "does not fit in 64 bits")]
    [TestCase("i99999999999999999999999e", "does not fit in 64 bits")]
    public void RejectsMalformedIntegers(string input, string reason)
    {
        var error = Assert.Throws<BencodeException>(() => Decode(input))!;
        Assert.That(error.Message, Does.Contain(reason));
    }

    [Test]
    public void DecodesListsAndDictionaries()
    {
        var value = (BDictionary)Decode("d4:listl5:helloi52ee3:numi7ee");
        var list = (BList)value.Get("list"u8)!;
        Assert.That(list, Has.Count.EqualTo(2));
        Assert.That(((BString)list[0]).Text, Is.EqualTo("hello"));
        Assert.That(((BInteger)list[1]).Value, Is.EqualTo(52));
        Assert.That(((BInteger)value["num"]!).Value, Is.EqualTo(7));
        Assert.That(value.Get("missing"u8), Is.Null);
        Assert.That(((BList)Decode("le")).Count, Is.Zero);
        Assert.That(((BDictionary)Decode("de")).Count, Is.Zero);
    }

    [Test]
    public void KeepsUnsortedKeysInTheirOrderButRejectsDuplicates()
    {
        var value = (BDictionary)Decode("d1:bi1e1:ai2ee");
        Assert.That(value.Entries.Select(e => e.Key.Text), Is.EqualTo(new[] { "b", "a" }));

        var error = Assert.Throws<BencodeException>(() => Decode("d1:ai1e1:bi2e1:ai3ee"))!;
        Assert.That(error.Message, Does.Contain("duplicate dictionary key \"a\""));
        Assert.That(error.Offset, Is.EqualTo(13));
        Assert.Throws<BencodeException>(() => Decode("d1:ai1e1:ai2ee"), "a repeat right after the key");
    }

    [Test]
    public void ReportsTheExactSourceSpanOfEveryValue()
    {
        byte[] input = "d8:announce3:url4:infod4:name1:x6:lengthi5eee"u8.ToArray();
        var top = (BDictionary)BencodeDecoder.Decode(input);
        var info = top.Get("info"u8)!;
        Assert.That(Encoding.ASCII.GetString(info.SourceBytes(input).Span), Is.EqualTo("d4:name1:x6:lengthi5ee"));
        Assert.That(info.SourceStart, Is.EqualTo(22));
        Assert.That(top.SourceStart, Is.Zero);
        Assert.That(top.SourceLength, Is.EqualTo(input.Length));
        var length = ((BDictionary)info).Get("length"u8)!;
        Assert.That(Encoding.ASCII.GetString(length.SourceBytes(input).Span), Is.EqualTo("i5e"));
    }

    [Test]
    public void ValuesBuiltInCodeHaveNoSourceBytes()
    {
        var built = new BString("x");
        Assert.That(built.SourceStart, Is.EqualTo(-1));
        Assert.Throws<InvalidOperationException>(() => built.SourceBytes(new byte[10]));
    }

    [Test]
    public void DecodePrefixStopsAfterOneValueAndSaysHowFar()
    {
        var value = BencodeDecoder.DecodePrefix("i12e4:restXYZ"u8.ToArray(), out int consumed);
        Assert.That(((BInteger)value).Value, Is.EqualTo(12));
        Assert.That(consumed, Is.EqualTo(4));

        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode("i12e4:rest"u8.ToArray()))!;
        Assert.That(error.Offset, Is.EqualTo(4));
        Assert.That(error.Message, Does.Contain("after the end"));
    }

    [Test]
    public void DecodesTheCourseExampleAsJson()
    {
        Assert.That(BencodeJson.ToJson(Decode("d3:foo3:bar5:helloi52ee")), Is.EqualTo("{\"foo\":\"bar\",\"hello\":52}"));
        Assert.That(BencodeJson.ToJson(Decode("l5:helloi52ee")), Is.EqualTo("[\"hello\",52]"));
        Assert.That(BencodeJson.ToJson(Decode("4:a\"\\\n")), Is.EqualTo("\"a\\\"\\\\\\n\""));
    }

    [Test]
    public void LooksUpKeysInALargeDictionary()
    {
        // Past the linear-search threshold a hash index takes over; it must agree with the entries.
        var builder = new StringBuilder("d");
        for (int i = 0; i < 1000; i++)
            builder.Append($"5:k{i:0000}i{i}e");
        var value = (BDictionary)Decode(builder.Append('e').ToString());
        Assert.That(((BInteger)value.Get("k0777"u8)!).Value, Is.EqualTo(777));
        Assert.That(value.Get("k1000"u8), Is.Null);
        value.Set(new BString("k0001"), new BInteger(-1));
        value.Add("new", new BInteger(5));
        Assert.That(((BInteger)value["k0001"]!).Value, Is.EqualTo(-1));
        Assert.That(((BInteger)value["new"]!).Value, Is.EqualTo(5));
        Assert.That(value.Count, Is.EqualTo(1001));
    }
}
