using System.Buffers;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Bencode;

[Stage(1)]
public class BencodeEncoderTests
{
    private static string EncodeToString(BValue value) => Encoding.Latin1.GetString(BencodeEncoder.Encode(value));

    [Test]
    public void EncodesEachKindOfValue()
    {
        Assert.That(EncodeToString(new BString("spam")), Is.EqualTo("4:spam"));
        Assert.That(EncodeToString(new BString("")), Is.EqualTo("0:"));
        Assert.That(EncodeToString(new BInteger(0)), Is.EqualTo("i0e"));
        Assert.That(EncodeToString(new BInteger(-3)), Is.EqualTo("i-3e"));
        Assert.That(EncodeToString(new BInteger(long.MaxValue)), Is.EqualTo("i9223372036854775807e"));
        Assert.That(EncodeToString(new BInteger(long.MinValue)), Is.EqualTo("i-9223372036854775808e"));
        Assert.That(EncodeToString(new BList([new BString("spam"), new BInteger(42)])), Is.EqualTo("l4:spami42ee"));
        Assert.That(EncodeToString(new BList()), Is.EqualTo("le"));
        Assert.That(EncodeToString(new BDictionary()), Is.EqualTo("de"));
        Assert.That(EncodeToString(new BString("é")), Is.EqualTo("2:\u00c3\u00a9"), "lengths count UTF-8 bytes");
    }

    [Test]
    public void WritesDictionaryKeysInRawByteOrder()
    {
        var dictionary = new BDictionary();
        foreach (var key in new[] { "b", "ab", "a", "B", "é", "a\u0000", "zz" })
            dictionary.Add(key, new BInteger(1));
        dictionary.Set(new BString(new byte[] { 0xff }), new BInteger(2));
        // Raw bytes: 'B'(0x42) < 'a' < "a\0" < "ab" < 'b' < "zz" < 'é'(0xc3 0xa9) < 0xff. Not culture order.
        Assert.That(EncodeToString(dictionary),
            Is.EqualTo("d1:Bi1e1:ai1e2:a\0i1e2:abi1e1:bi1e2:zzi1e2:\u00c3\u00a9i1e1:\u00ffi2ee"));
        Assert.That(dictionary.Entries[0].Key.Text, Is.EqualTo("b"), "the dictionary itself keeps insertion order");
    }

    [Test]
    public void SettingAnExistingKeyReplacesItsValue()
    {
        var dictionary = new BDictionary { { "a", new BInteger(1) } };
        dictionary["a"] = new BInteger(2);
        Assert.That(EncodeToString(dictionary), Is.EqualTo("d1:ai2ee"));
    }

    [TestCase("d3:foo3:bar5:helloi52ee")]
    [TestCase("l5:helloi52ee")]
    [TestCase("d4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces0:ee")]
    [TestCase("lllleeee")]
    [TestCase("i-9223372036854775808e")]
    public void CanonicalInputRoundTripsByteForByte(string input)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(input);
        Assert.That(BencodeEncoder.Encode(BencodeDecoder.Decode(bytes)), Is.EqualTo(bytes));
    }

    [Test]
    public void TheSampleTorrentRoundTripsByteForByte()
    {
        byte[] torrent = Fixtures.Fixture.SampleTorrent();
        Assert.That(BencodeEncoder.Encode(BencodeDecoder.Decode(torrent)), Is.EqualTo(torrent));
    }

    [Test]
    public void UnsortedInputIsSortedOnTheWayOut()
    {
        var decoded = BencodeDecoder.Decode("d1:bi1e1:ai2ee"u8.ToArray());
        Assert.That(EncodeToString(decoded), Is.EqualTo("d1:ai2e1:bi1ee"));
    }

    [Test]
    public void WritesIntoABufferWriterAndMeasuresExactly()
    {
        var value = BencodeDecoder.Decode("d4:listl5:helloi-52ee3:numi7ee"u8.ToArray());
        var writer = new ArrayBufferWriter<byte>();
        writer.Write("prefix"u8);
        BencodeEncoder.Encode(value, writer);
        Assert.That(Encoding.ASCII.GetString(writer.WrittenSpan), Is.EqualTo("prefixd4:listl5:helloi-52ee3:numi7ee"));
        Assert.That(BencodeEncoder.EncodedLength(value), Is.EqualTo(30));
    }
}
