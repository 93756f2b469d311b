using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>The BEP 5 `port` message: our DHT node's UDP port, sent to and read from a peer that set the DHT bit.</summary>
[TestFixture, Stage(4)]
public class PortMessageTests
{
    [Test]
    public async Task PortRoundTripsBetweenPeersWithTheDhtBit()
    {
        var withDht = Options(features: PeerFeatures.Extensions | PeerFeatures.Fast | PeerFeatures.Dht);
        var (a, b) = await PairAsync(withDht, withDht);
        await using (a)
        await using (b)
        {
            await a.SendPortAsync(51413, Deadline());
            var message = await b.ReceiveAsync(Deadline());
            Assert.That((message.Id, message.Index), Is.EqualTo((MessageId.Port, 51413)));
        }
    }

    [Test]
    public async Task PortIsNotSentToAPeerWithoutTheDhtBit()
    {
        var (a, b) = await PairAsync();
        await using (a)
        await using (b)
            Assert.Throws<InvalidOperationException>(() => _ = a.SendPortAsync(6881, Deadline()));
    }

    [Test]
    public void TheEncodingIsLengthThreeIdNineThenTheBigEndianPort()
    {
        var buffer = new byte[7];
        Assert.That(MessageWriter.Port(buffer, 0x1AE1), Is.EqualTo(7));
        Assert.That(buffer, Is.EqualTo(new byte[] { 0, 0, 0, 3, 9, 0x1A, 0xE1 }));
    }
}
