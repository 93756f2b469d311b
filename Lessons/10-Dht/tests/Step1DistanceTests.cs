using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Dht.Lesson.LessonDht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>Lesson 10, step 1 (10-dht.distance): the XOR metric, distances compared as unsigned numbers, shared prefixes.</summary>
[Stage(10)]
public class Step1DistanceTests
{
    private const string Rule = "Step 1 (distance): ";

    [Test]
    public void DistanceIsTheXorOfTheTwoIds()
    {
        var a = Id("0f000000000000003c0000000000000000000081");
        var b = Id("ff00000000000000c30000000000000000000018");
        Assert.That(a.DistanceTo(b), Is.EqualTo(Id("f000000000000000ff0000000000000000000099")),
            Rule + "distance(A, B) = A xor B, byte by byte over all 20 bytes (0x0f xor 0xff = 0xf0, 0x3c xor 0xc3 = 0xff, 0x81 xor 0x18 = 0x99)");
        Assert.That(b.DistanceTo(a), Is.EqualTo(a.DistanceTo(b)), Rule + "XOR is symmetric: distance(A, B) = distance(B, A)");
        Assert.That(a.DistanceTo(a), Is.EqualTo(default(NodeId)), Rule + "an id is at distance 0 from itself");
    }

    [Test]
    public void TheFirstByteWeighsMost()
    {
        var target = default(NodeId);
        Assert.That(target.CompareDistance(IdWithByte(0, 0x01), IdWithByte(19, 0xff)), Is.GreaterThan(0),
            Rule + "01 00 … 00 is farther from 00 … 00 than 00 … 00 ff: the distance is one big-endian number, its first byte the most significant");
        Assert.That(target.CompareDistance(IdWithByte(7, 0x01), IdWithByte(8, 0xff)), Is.GreaterThan(0),
            Rule + "byte 7 weighs more than byte 8: every byte counts more than all the bytes after it");
        Assert.That(target.CompareDistance(IdWithByte(15, 0x01), IdWithByte(16, 0xff)), Is.GreaterThan(0),
            Rule + "byte 15 weighs more than byte 16");
    }

    [Test]
    public void DistancesCompareAsUnsignedNumbers()
    {
        var target = default(NodeId);
        foreach (int index in new[] { 0, 8, 16 })
            Assert.That(target.CompareDistance(IdWithByte(index, 0x80), IdWithByte(index, 0x7f)), Is.GreaterThan(0),
                Rule + $"distances are unsigned: 0x80 in byte {index} is farther than 0x7f (read as a signed number it would look negative, i.e. closer)");
        Assert.That(target.CompareDistance(Id("ffffffffffffffffffffffffffffffffffffffff"), Id("01")), Is.GreaterThan(0),
            Rule + "ff … ff is the farthest distance of all, not -1");
    }

    [Test]
    public void CloserMeansASmallerXorNotASmallerDifference()
    {
        var target = Id("80");
        Assert.That(target.CompareDistance(Id("ff"), Id("7f")), Is.LessThan(0),
            Rule + "from 0x80…, 0xff… (XOR 0x7f…) is closer than 0x7f… (XOR 0xff…), though 0x7f is the nearer number: closeness is XOR, not subtraction");
        Assert.That(target.CompareDistance(Id("8000000000000000000000000000000000000001"), Id("8000000000000000000000000000000000000001")), Is.Zero,
            Rule + "the same id is exactly as close: compare returns 0");
    }

    [Test]
    public void SortsNodesByDistanceToATarget()
    {
        var random = new Random(10);
        var target = RandomId(random);
        var ids = Enumerable.Range(0, 200).Select(_ => RandomId(random)).ToList();
        // Ids that share long prefixes with the target, so that the later bytes decide too.
        ids.AddRange(Enumerable.Range(0, 40).Select(i => WithPrefix(target, 60 + 2 * i, random)));
        var sorted = ids.ToList();
        sorted.Sort(target.CompareDistance);
        Assert.That(sorted, Is.EqualTo(ByDistance(target, ids)),
            Rule + "sorting 240 ids with CompareDistance must order them by XOR distance to the target, closest first");
    }

    [Test]
    public void CommonPrefixLengthCountsTheSharedLeadingBits()
    {
        Assert.That(Id("00").CommonPrefixLength(Id("80")), Is.Zero, Rule + "00… and 80… differ in their very first bit: they share 0 bits");
        Assert.That(Id("00").CommonPrefixLength(Id("01")), Is.EqualTo(7), Rule + "00… and 01… share the first 7 bits (bits count from the high bit of byte 0)");
        Assert.That(Id("ab").CommonPrefixLength(Id("ab")), Is.EqualTo(NodeId.Bits), Rule + "equal ids share all 160 bits");
    }

    [Test]
    public void CommonPrefixLengthCountsAcrossTheWholeId()
    {
        Assert.That(default(NodeId).CommonPrefixLength(IdWithByte(8, 0xff)), Is.EqualTo(64), Rule + "ids that first differ in byte 8's high bit share 64 bits");
        Assert.That(default(NodeId).CommonPrefixLength(IdWithByte(9, 0x10)), Is.EqualTo(75), Rule + "first difference at byte 9, bit 3: 72 + 3 = 75 shared bits");
        Assert.That(default(NodeId).CommonPrefixLength(IdWithByte(16, 0x80)), Is.EqualTo(128), Rule + "first difference at byte 16's high bit: 128 shared bits");
        Assert.That(default(NodeId).CommonPrefixLength(IdWithByte(19, 0x01)), Is.EqualTo(159), Rule + "only the very last bit differs: 159 shared bits");
        var random = new Random(11);
        var self = RandomId(random);
        for (int prefix = 0; prefix < NodeId.Bits; prefix++)
            Assert.That(self.CommonPrefixLength(WithPrefix(self, prefix, random)), Is.EqualTo(prefix),
                Rule + $"an id that agrees with ours on the first {prefix} bits and differs in the next shares {prefix} bits");
    }
}
