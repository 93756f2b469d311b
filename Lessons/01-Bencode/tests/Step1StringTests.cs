using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Bencode.Lesson.LessonBencode;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Lesson 01, step 1 (01-bencode.strings): byte strings, &lt;length&gt;:&lt;bytes&gt;.</summary>
[Stage(1)]
public class Step1StringTests
{
    [Test]
    public void DecodesAString()
    {
        var value = DecodeValid("5:hello", "Step 1 (strings): read the length up to the ':', then exactly that many bytes.");
        Assert.That(value, Is.TypeOf<BString>(), "\"5:hello\" starts with a digit, so it is a byte string");
        Assert.That(((BString)value).Text, Is.EqualTo("hello"), "\"5:hello\": read the length 5 up to ':', then take exactly 5 bytes");
    }

    [Test]
    public void DecodesALengthOfSeveralDigits()
    {
        var value = (BString)DecodeValid("12:hello world!", "Step 1 (strings): a length may have several digits.");
        Assert.That(value.Text, Is.EqualTo("hello world!"), "the length may have several digits: 12 means twelve bytes");
    }

    [Test]
    public void DecodesTheEmptyString()
    {
        var value = (BString)DecodeValid("0:", "Step 1 (strings): a length of 0 is allowed (a single zero is not a leading zero).");
        Assert.That(value.Bytes.Length, Is.Zero, "\"0:\" is the empty string: a length of 0 and no bytes");
    }

    [Test]
    public void KeepsBinaryBytesAsTheyAre()
    {
        var value = (BString)DecodeValid("4:\u0000\u00ff\u0080:", "Step 1 (strings): the bytes of a string can be anything, even ':'; take exactly the length's number of bytes.");
        Assert.That(value.Bytes.ToArray(), Is.EqualTo(new byte[] { 0x00, 0xff, 0x80, (byte)':' }),
            "strings are bytes, not text: piece hashes are binary, so copy the bytes without decoding them");
    }

    [Test]
    public void ReportsHowManyBytesAStringUses()
    {
        BencodeDecoder.DecodePrefix(Bytes("5:helloEXTRA"), out int consumed);
        Assert.That(consumed, Is.EqualTo(7), "\"5:hello\" is 7 bytes: move _position past the length, the ':' and the 5 bytes");
    }

    [Test]
    public void RejectsALengthLongerThanTheInput()
    {
        Assert.That(() => Decode("10:short"), Throws.TypeOf<BencodeException>(),
            "\"10:short\" promises 10 bytes but has 5: throw a BencodeException, never an index error");
    }

    [Test]
    public void RejectsAMissingColon()
    {
        Assert.That(() => Decode("5hello"), Throws.TypeOf<BencodeException>(),
            "a length must end with ':'; 'h' is neither a digit nor ':'");
    }

    [Test]
    public void RejectsLeadingZerosInTheLength()
    {
        Assert.That(() => Decode("05:hello"), Throws.TypeOf<BencodeException>(),
            "BEP 3 numbers are canonical: \"05\" has a leading zero");
    }

    [Test]
    public void RejectsALengthThatOverflows()
    {
        Assert.That(() => Decode("99999999999999999999:x"), Throws.TypeOf<BencodeException>(),
            "a length that does not fit in a long must be refused, not wrap around");
    }

    [TestCase("18446744073709551617:x", TestName = "RejectsALengthThatWrapsAroundTo1")]
    [TestCase("36893488147419103233:x", TestName = "RejectsALengthFarPastTheLimit")]
    public void RejectsALengthThatWrapsAround(string bencode)
    {
        Assert.That(() => Decode(bencode), Throws.TypeOf<BencodeException>(),
            $"\"{bencode}\": the length is far more than a long holds; multiplied by 10 without a check it wraps around to 1 and \"reads\" the \"x\". Check before each multiplication that the value still fits (step 1, strings)");
    }

    [Test]
    public void RejectsDataAfterTheValue()
    {
        Assert.That(() => Decode("5:helloX"), Throws.TypeOf<BencodeException>(),
            "Decode reads exactly one value: the 'X' after \"5:hello\" is an error (ReadString must stop right after the 5 bytes)");
    }
}
