using System.Net;
using System.Text;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer.Extensions;

[Stage(4)]
public class PexMessageTests
{
    [Test]
    public void RoundTripsBothFamiliesWithFlags()
    {
        var message = new PexMessage(
            [new PexPeer(IPEndPoint.Parse("127.0.0.1:6881"), PexFlags.Seed | PexFlags.Reachable), new PexPeer(IPEndPoint.Parse("[::1]:6882"), PexFlags.SupportsUtp)],
            [IPEndPoint.Parse("10.0.0.1:80"), IPEndPoint.Parse("[fe80::1]:81")]);
        var back = PexMessage.Decode(message.Encode());
        Assert.That(back.Added, Is.EqualTo(message.Added));
        Assert.That(back.Dropped, Is.EqualTo(message.Dropped));
        Assert.That(back.Ignored, Is.Zero);
    }

    [Test]
    public void CompactLayout()
    {
        var message = new PexMessage([new PexPeer(IPEndPoint.Parse("1.2.3.4:258"), PexFlags.Seed)], []);
        Assert.That(message.Encode(), Is.EqualTo((byte[])[.. "d5:added6:"u8, 1, 2, 3, 4, 1, 2, .. "7:added.f1:"u8, 2,
            .. "6:added60:8:added6.f0:7:dropped0:8:dropped60:e"u8]));
    }

    [Test]
    public void NeverSendsMoreThanFifty()
    {
        var many = Enumerable.Range(1, 51).Select(i => new PexPeer(new IPEndPoint(IPAddress.Loopback, i), PexFlags.None)).ToList();
        Assert.That(() => new PexMessage(many, []).Encode(), Throws.ArgumentException);
    }

    [Test]
    public void KeepsOnlyTheFirstFiftyOfAFloodAndCountsTheRest()
    {
        var packed = new byte[6 * 10_000];
        for (int i = 0; i < 10_000; i++)
        {
            packed[i * 6] = 10;
            packed[i * 6 + 3] = (byte)i;
            packed[i * 6 + 5] = 1;
        }
        byte[] bytes = [.. Encoding.ASCII.GetBytes($"d5:added{packed.Length}:"), .. packed, .. Encoding.ASCII.GetBytes($"7:dropped{packed.Length}:"), .. packed, (byte)'e'];
        var message = PexMessage.Decode(bytes);
        Assert.That(message.Added, Has.Count.EqualTo(PexMessage.MaxPeersPerMessage));
        Assert.That(message.Dropped, Has.Count.EqualTo(PexMessage.MaxPeersPerMessage));
        Assert.That(message.Ignored, Is.EqualTo(2 * (10_000 - 50)));
    }

    [Test]
    public void PortZeroAndWrongFlagsAreTolerated()
    {
        byte[] bytes = [.. "d5:added12:"u8, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 9, .. "7:added.f1:"u8, 2, (byte)'e'];
        var message = PexMessage.Decode(bytes);
        Assert.That(message.Added, Is.EqualTo(new[] { new PexPeer(IPEndPoint.Parse("5.6.7.8:9"), PexFlags.None) }));
    }

    [TestCase("d5:added5:abcdee", "whole number of 6-byte")]
    [TestCase("d6:added6i1ee", "whole number of 18-byte")]
    [TestCase("d7:dropped7:abcdefge", "whole number of 6-byte")]
    [TestCase("li1ee", "not a dictionary")]
    [TestCase("d5:added", "not valid bencode")]
    public void MalformedMessagesAreRefused(string text, string expected) =>
        Assert.That(() => PexMessage.Decode(Encoding.ASCII.GetBytes(text)),
            Throws.TypeOf<PeerProtocolException>().With.Message.Contains(expected));
}
