using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer;

[TestFixture, Stage(4)]
public class BitfieldTests
{
    [Test]
    public void PieceZeroIsTheHighBitOfTheFirstByte()
    {
        var bits = new Bitfield(10) { [0] = true, [9] = true };
        Assert.That(bits.ToBytes(), Is.EqualTo(new byte[] { 0x80, 0x40 }));
        Assert.That(bits.SetCount, Is.EqualTo(2));
        Assert.That(bits[1], Is.False);
    }

    [Test]
    public void SetAllLeavesTheSpareBitsClear()
    {
        var bits = new Bitfield(10);
        bits.SetAll();
        Assert.That(bits.ToBytes(), Is.EqualTo(new byte[] { 0xFF, 0xC0 }));
        Assert.That(bits.IsComplete, Is.True);
    }

    [Test]
    public void SettingTwiceCountsOnce()
    {
        var bits = new Bitfield(3) { [1] = true };
        bits[1] = true;
        Assert.That(bits.SetCount, Is.EqualTo(1));
        bits[1] = false;
        Assert.That(bits.SetCount, Is.EqualTo(0));
    }

    [Test]
    public void FromBytesRoundTrips()
    {
        var bits = Bitfield.FromBytes([0b1010_0000, 0b0100_0000], 10);
        Assert.That(Enumerable.Range(0, 10).Where(i => bits[i]), Is.EqualTo(new[] { 0, 2, 9 }));
        Assert.That(bits.SetCount, Is.EqualTo(3));
    }

    [Test]
    public void FromBytesRejectsSpareBits() =>
        Assert.That(() => Bitfield.FromBytes([0xFF, 0xE0], 10), Throws.TypeOf<PeerProtocolException>().With.Message.Contains("spare"));

    [TestCase(1)]
    [TestCase(3)]
    public void FromBytesRejectsTheWrongLength(int length) =>
        Assert.That(() => Bitfield.FromBytes(new byte[length], 10), Throws.TypeOf<PeerProtocolException>());

    [Test]
    public void AnIndexOutsideThrows() =>
        Assert.That(() => new Bitfield(8)[8], Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void AMultipleOfEightHasNoSpareBits()
    {
        var bits = Bitfield.FromBytes([0xFF], 8);
        Assert.That(bits.IsComplete, Is.True);
    }
}
