using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>The XOR metric and the 160-bit id arithmetic the routing table stands on.</summary>
[Stage(3)]
public class NodeIdTests
{
    private static NodeId Hex(string hex) => NodeId.TryParseHex(hex.PadRight(40, '0'), out var id) ? id : throw new ArgumentException(hex);

    [Test]
    public void DistanceIsXor()
    {
        var a = Hex("f0");
        var b = Hex("0f");
        Assert.That(a.DistanceTo(b), Is.EqualTo(Hex("ff")));
        Assert.That(a.DistanceTo(a), Is.EqualTo(default(NodeId)));
        Assert.That(a.DistanceTo(b), Is.EqualTo(b.DistanceTo(a)), "symmetric");
    }

    [Test]
    public void DistancesCompareAsUnsignedBigEndianNumbers()
    {
        var target = Hex("00");
        // 0x80… is farther than 0x7f…ff (unsigned, most significant byte first), and the last byte counts too.
        Assert.That(target.CompareDistance(Hex("7fffffffffffffffffffffffffffffffffffffff"), Hex("80")), Is.LessThan(0));
        Assert.That(target.CompareDistance(Hex("0000000000000000000000000000000000000002"), Hex("0000000000000000000000000000000000000001")), Is.GreaterThan(0));
        Assert.That(target.CompareDistance(Hex("ab"), Hex("ab")), Is.Zero);
    }

    [Test]
    public void DistancesComposeByXor()
    {
        for (int i = 0; i < 200; i++)
        {
            var (a, b, c) = (NodeId.Random(), NodeId.Random(), NodeId.Random());
            // d(a,c) = d(a,b) XOR d(b,c), which is why XOR is a metric (and obeys the triangle inequality).
            Assert.That(a.DistanceTo(c), Is.EqualTo(a.DistanceTo(b).DistanceTo(b.DistanceTo(c))));
        }
    }

    [Test]
    public void CommonPrefixLengthCountsSharedLeadingBits()
    {
        Assert.That(Hex("00").CommonPrefixLength(Hex("80")), Is.Zero);
        Assert.That(Hex("00").CommonPrefixLength(Hex("01")), Is.EqualTo(7));
        Assert.That(Hex("00").CommonPrefixLength(Hex("0000000000000000000000000000000000000001")), Is.EqualTo(159));
        Assert.That(Hex("ab").CommonPrefixLength(Hex("ab")), Is.EqualTo(160));
        Assert.That(Hex("0000000000000000ff").CommonPrefixLength(Hex("00")), Is.EqualTo(64), "crosses the 64-bit word boundary");
    }

    [Test]
    public void RandomWithCommonPrefixLandsInThatBucket()
    {
        var self = NodeId.Random();
        foreach (int prefix in new[] { 0, 1, 7, 63, 64, 100, 128, 159 })
            for (int i = 0; i < 20; i++)
                Assert.That(self.CommonPrefixLength(self.RandomWithCommonPrefix(prefix)), Is.EqualTo(prefix));
    }

    [Test]
    public void HexRoundTripsAndRejectsJunk()
    {
        var id = NodeId.Random();
        Assert.That(NodeId.TryParseHex(id.ToString(), out var back) && back == id);
        Assert.That(NodeId.TryParseHex("xyz", out _), Is.False);
        Assert.That(NodeId.TryParseHex(new string('g', 40), out _), Is.False);
        Assert.That(new NodeId(id.ToArray()), Is.EqualTo(id));
        Assert.Throws<ArgumentException>(() => _ = new NodeId(new byte[19]));
    }
}
