using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Bencode.Lesson.LessonBencode;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Lesson 01, step 2 (01-bencode.integers): integers, i&lt;digits&gt;e.</summary>
[Stage(1)]
public class Step2IntegerTests
{
    [TestCase("i52e", 52L, TestName = "DecodesAPositiveInteger")]
    [TestCase("i-52e", -52L, TestName = "DecodesANegativeInteger")]
    [TestCase("i0e", 0L, TestName = "DecodesZero")]
    [TestCase("i9223372036854775807e", long.MaxValue, TestName = "DecodesTheLargestLong")]
    [TestCase("i-9223372036854775808e", long.MinValue, TestName = "DecodesTheSmallestLong")]
    public void DecodesIntegers(string bencode, long expected)
    {
        var value = DecodeValid(bencode, "Step 2 (integers): an 'i', an optional '-', canonical digits, an 'e'; all of a long's range fits.");
        Assert.That(value, Is.TypeOf<BInteger>(), $"\"{bencode}\" starts with 'i', so it is an integer");
        Assert.That(((BInteger)value).Value, Is.EqualTo(expected), $"\"{bencode}\" is {expected}");
    }

    [TestCase("i-0e", "negative zero is not allowed", TestName = "RejectsNegativeZero")]
    [TestCase("i03e", "a leading zero is not allowed", TestName = "RejectsLeadingZeros")]
    [TestCase("ie", "an integer needs at least one digit", TestName = "RejectsAnEmptyInteger")]
    [TestCase("i-e", "a '-' needs digits after it", TestName = "RejectsALoneMinus")]
    [TestCase("i1.5e", "bencode integers have no fractions", TestName = "RejectsAFraction")]
    [TestCase("i+5e", "only '-' is a sign in bencode", TestName = "RejectsAPlusSign")]
    [TestCase("i9223372036854775808e", "the number does not fit in 64 bits", TestName = "RejectsAnOverflow")]
    [TestCase("i18446744073709551616e", "2^64 does not fit in 64 bits (without a check it wraps around to 0)", TestName = "RejectsAnOverflowThatWrapsToZero")]
    [TestCase("i18446744073709551621e", "2^64 + 5 does not fit in 64 bits (without a check it wraps around to 5)", TestName = "RejectsAnOverflowThatWrapsToAPositiveNumber")]
    [TestCase("i99999999999999999999999999999e", "the number is far past what 64 bits hold", TestName = "RejectsAnOverflowFarPastTheLimit")]
    [TestCase("i-9223372036854775809e", "one less than long.MinValue does not fit in 64 bits", TestName = "RejectsANegativeOverflow")]
    [TestCase("i-18446744073709551621e", "-(2^64 + 5) is far below long.MinValue", TestName = "RejectsANegativeOverflowFarPastTheLimit")]
    [TestCase("i52", "the closing 'e' is missing", TestName = "RejectsAMissingEnd")]
    public void RejectsMalformedIntegers(string bencode, string why)
    {
        Assert.That(() => Decode(bencode), Throws.TypeOf<BencodeException>(), $"\"{bencode}\": {why}; throw a BencodeException");
    }
}
