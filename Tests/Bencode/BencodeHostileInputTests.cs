using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Bencode;

/// <summary>Malformed and malicious input: always a BencodeException naming the offset and what was expected.</summary>
[Stage(1)]
public class BencodeHostileInputTests
{
    [TestCase("", 0, "unexpected end of input")]
    [TestCase("5:abc", 0, "larger than the 3 bytes left")]
    [TestCase("5", 1, "unexpected end of input")]
    [TestCase("5x", 1, "expected a digit or ':'")]
    [TestCase("-1:a", 0, "expected 'i', 'l', 'd' or a digit")]
    [TestCase("05:hello", 0, "leading zeros")]
    [TestCase(":abc", 0, "found ':'")]
    [TestCase("99999999999999999999:a", 0, "does not fit in 64 bits")]
    [TestCase("9223372036854775807:a", 0, "larger than the 1 bytes left")]
    [TestCase("l", 1, "unexpected end of input")]
    [TestCase("li1e", 4, "unexpected end of input")]
    [TestCase("d", 1, "unexpected end of input")]
    [TestCase("d3:key", 6, "unexpected end of input")]
    [TestCase("di1ei2ee", 1, "expected a dictionary key")]
    [TestCase("dle", 1, "expected a dictionary key")]
    [TestCase("x", 0, "found 'x'")]
    [TestCase("e", 0, "found 'e'")]
    [TestCase("i1ee", 3, "unexpected data after the end")]
    [TestCase("4:spam4:eggs", 6, "unexpected data after the end")]
    [TestCase("de ", 2, "unexpected data after the end")]
    public void RejectsWithOffsetAndReason(string input, int offset, string reason)
    {
        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(Encoding.Latin1.GetBytes(input)))!;
        Assert.That(error.Message, Does.Contain(reason));
        Assert.That(error.Offset, Is.EqualTo(offset));
        Assert.That(error.Message, Does.StartWith($"Invalid bencode at byte {offset}:"));
    }

    [Test]
    public void NonPrintableBytesAreNamedInHex()
    {
        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(new byte[] { 0x80 }))!;
        Assert.That(error.Message, Does.Contain("byte 0x80"));
    }

    [Test]
    public void AHugeLengthPrefixIsRefusedWithoutAllocating()
    {
        byte[] input = "2147483647:tiny"u8.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(input));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
    }

    [Test]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        string deep = new string('l', 100_000) + new string('e', 100_000);
        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(Encoding.ASCII.GetBytes(deep)))!;
        Assert.That(error.Message, Does.Contain($"deeper than {BencodeDecoder.DefaultMaxDepth}"));
        Assert.That(error.Offset, Is.EqualTo(BencodeDecoder.DefaultMaxDepth));

        string allowed = new string('l', 10) + new string('e', 10);
        Assert.That(BencodeDecoder.Decode(Encoding.ASCII.GetBytes(allowed), maxDepth: 10), Is.InstanceOf<BList>());
        Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(Encoding.ASCII.GetBytes(allowed), maxDepth: 9));
        Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(Encoding.ASCII.GetBytes("d1:a" + new string('d', 300))));
    }

    [Test]
    public void AnUnsortedDictionaryWithVeryManyKeysDecodesInLinearTime()
    {
        // Keys in descending order defeat the sorted fast path, so every key is checked for a repeat;
        // with a linear search this would be 10^10 comparisons and never finish.
        const int keys = 200_000;
        var builder = new StringBuilder("d");
        for (int i = keys - 1; i >= 0; i--)
            builder.Append($"7:{i:0000000}i0e");
        var value = (BDictionary)BencodeDecoder.Decode(Encoding.ASCII.GetBytes(builder.Append('e').ToString()));
        Assert.That(value.Count, Is.EqualTo(keys));

        builder.Insert(builder.Length - 1, "7:0001234i0e");
        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(Encoding.ASCII.GetBytes(builder.ToString())))!;
        Assert.That(error.Message, Does.Contain("duplicate dictionary key \"0001234\""));
    }

    [Test]
    public void EveryTruncationOfARealTorrentIsABencodeException()
    {
        byte[] torrent = Fixtures.Fixture.SampleTorrent();
        for (int length = 0; length < torrent.Length; length++)
        {
            var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(torrent.AsMemory(0, length)),
                $"prefix of {length} bytes");
            Assert.That(error!.Offset, Is.InRange(0, length));
        }
    }

    [Test]
    public void TooManyValuesAreRefusedBeforeTheyExhaustMemory()
    {
        // "lelele...": two input bytes per object. The value limit keeps the memory bounded.
        byte[] input = Encoding.ASCII.GetBytes("l" + string.Concat(Enumerable.Repeat("le", 1000)) + "e");
        Assert.That(((BList)BencodeDecoder.Decode(input, maxValues: 1001)).Count, Is.EqualTo(1000));
        var error = Assert.Throws<BencodeException>(() => BencodeDecoder.Decode(input, maxValues: 1000))!;
        Assert.That(error.Message, Does.Contain("more than 1000 values"));
        Assert.That(error.Offset, Is.EqualTo(1999));

        Assert.That(BencodeDecoder.DefaultMaxValues, Is.LessThanOrEqualTo(10_000_000), "the default bounds memory to well under a gigabyte");
    }
}

