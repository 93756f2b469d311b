using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>Every message, sent by one of our connections and read by another, with the state it changes.</summary>
[TestFixture, Stage(4)]
public class MessageRoundTripTests
{
    private PeerConnection _a = null!;
    private PeerConnection _b = null!;

    [SetUp]
    public async Task Connect() => (_a, _b) = await PairAsync();

    [TearDown]
    public async Task Close()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task<PeerMessage> Next() => await _b.ReceiveAsync(Deadline());

    [Test]
    public void BothSidesNegotiatedFastAndExtensions()
    {
        Assert.That(_a.Features, Is.EqualTo(PeerFeatures.Fast | PeerFeatures.Extensions));
        Assert.That(_b.RemoteHandshake.PeerId, Has.Length.EqualTo(20));
        Assert.That(_b.RemoteHandshake.ClientPrefix, Does.StartWith("-MT0001-"));
    }

    [Test]
    public async Task ChokeUnchokeInterestedNotInterested()
    {
        Assert.That((_a.AmChoking, _b.PeerChoking, _a.AmInterested, _b.PeerInterested), Is.EqualTo((true, true, false, false)));
        await _a.SendUnchokeAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke));
        Assert.That((_a.AmChoking, _b.PeerChoking), Is.EqualTo((false, false)));
        await _a.SendInterestedAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Interested));
        Assert.That(_b.PeerInterested, Is.True);
        await _a.SendNotInterestedAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.NotInterested));
        Assert.That(_b.PeerInterested, Is.False);
        await _a.SendChokeAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Choke));
        Assert.That(_b.PeerChoking, Is.True);
    }

    [Test]
    public async Task BitfieldThenHave()
    {
        var mine = new Bitfield(10) { [3] = true, [9] = true };
        await _a.SendBitfieldAsync(mine, default);
        var message = await Next();
        Assert.That(message.Id, Is.EqualTo(MessageId.Bitfield));
        Assert.That(message.Payload.ToArray(), Is.EqualTo(mine.ToBytes()));
        Assert.That(_b.PeerPieces[3] && _b.PeerPieces[9] && !_b.PeerPieces[0], Is.True);

        await _a.SendHaveAsync(0, default);
        message = await Next();
        Assert.That((message.Id, message.Index), Is.EqualTo((MessageId.Have, 0)));
        Assert.That(_b.PeerPieces.SetCount, Is.EqualTo(3));
    }

    [Test]
    public async Task AFullBitfieldGoesAsHaveAllUnderFast()
    {
        var all = new Bitfield(10);
        all.SetAll();
        await _a.SendBitfieldAsync(all, default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.HaveAll));
        Assert.That(_b.PeerPieces.IsComplete, Is.True);
    }

    [Test]
    public async Task AnEmptyBitfieldGoesAsHaveNoneUnderFast()
    {
        await _a.SendBitfieldAsync(new Bitfield(10), default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.HaveNone));
        Assert.That(_b.PeerPieces.SetCount, Is.Zero);
    }

    [Test]
    public async Task RequestsArriveInOrderAndBecomeOutstanding()
    {
        BlockRequest[] requests = [new(1, 0, 16384), new(1, 16384, 16384), new(2, 0, 100)];
        await _b.SendRequestsAsync(requests, default);
        Assert.That(_b.OutstandingRequests, Is.EqualTo(3));
        foreach (var request in requests)
        {
            var message = await _a.ReceiveAsync(Deadline());
            Assert.That((message.Id, new BlockRequest(message.Index, message.Begin, message.Length)), Is.EqualTo((MessageId.Request, request)));
        }
    }

    [Test]
    public async Task APieceAnswersItsRequest()
    {
        var block = Enumerable.Range(0, 16384).Select(i => (byte)i).ToArray();
        await _b.SendRequestsAsync([new(4, 16384, 16384)], default);
        await _a.SendPieceAsync(4, 16384, block, default);
        var message = await Next();
        Assert.That((message.Id, message.Index, message.Begin, message.Length), Is.EqualTo((MessageId.Piece, 4, 16384, 16384)));
        Assert.That(message.Payload.ToArray(), Is.EqualTo(block));
        Assert.That((_b.OutstandingRequests, _b.BytesReceived, _a.BytesSent), Is.EqualTo((0, 16384L, 16384L)));
    }

    [Test]
    public async Task SeveralPiecesInOneWriteArriveAsSeparateMessagesInOrder()
    {
        byte[][] blocks = [.. Enumerable.Range(0, 3).Select(k => Enumerable.Range(0, 16384 - k * 1000).Select(i => (byte)(i + k)).ToArray())];
        BlockRequest[] requests = [new(2, 0, blocks[0].Length), new(2, 16384, blocks[1].Length), new(7, 32768, blocks[2].Length)];
        await _b.SendRequestsAsync(requests, default);
        await _a.SendPiecesAsync([.. requests.Select((r, k) => new OutgoingBlock(r.Piece, r.Begin, blocks[k]))], default);
        for (int k = 0; k < 3; k++)
        {
            var message = await Next();
            Assert.That((message.Id, new BlockRequest(message.Index, message.Begin, message.Length)), Is.EqualTo((MessageId.Piece, requests[k])));
            Assert.That(message.Payload.ToArray(), Is.EqualTo(blocks[k]), $"block {k}: its own bytes, not a neighbour's");
        }
        long payload = blocks.Sum(b => (long)b.Length);
        Assert.That((_b.OutstandingRequests, _b.BytesReceived, _a.BytesSent), Is.EqualTo((0, payload, payload)), "BytesSent counts block bytes, not headers");
    }

    [Test]
    public async Task SeveralPiecesInOneWriteAreEachCheckedAsOurs()
    {
        var tooLong = new byte[16385];
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await _a.SendPiecesAsync([new OutgoingBlock(0, 0, new byte[10]), new OutgoingBlock(0, 16384, tooLong)], default));
    }

    [Test]
    public async Task CancelRejectSuggestAllowedFast()
    {
        await _a.SendCancelAsync(new BlockRequest(1, 0, 16384), default);
        var cancel = await Next();
        Assert.That((cancel.Id, cancel.Index, cancel.Begin, cancel.Length), Is.EqualTo((MessageId.Cancel, 1, 0, 16384)));

        await _b.SendRequestsAsync([new(2, 0, 16384)], default);
        await _a.SendRejectAsync(new BlockRequest(2, 0, 16384), default);
        Assert.That(await _a.ReceiveAsync(Deadline()), Has.Property("Id").EqualTo(MessageId.Request));
        var reject = await Next();
        Assert.That((reject.Id, reject.Index), Is.EqualTo((MessageId.Reject, 2)));
        Assert.That(_b.OutstandingRequests, Is.Zero);
    }

    [Test]
    public async Task KeepAliveAndExtended()
    {
        await _a.SendKeepAliveAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.KeepAlive));
        await _a.SendExtendedAsync(0, "d1:md11:ut_metadatai3eee"u8.ToArray(), default);
        var extended = await Next();
        Assert.That((extended.Id, extended.Index), Is.EqualTo((MessageId.Extended, 0)));
        Assert.That(extended.Payload.ToArray(), Is.EqualTo("d1:md11:ut_metadatai3eee"u8.ToArray()));
    }

    [Test]
    public async Task AnExtendedMessageLargerThanTheReceiveBufferArrivesWhole()
    {
        var big = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await _a.SendExtendedAsync(3, big, default);
        await _a.SendUnchokeAsync(default);
        var extended = await Next();
        Assert.That((extended.Id, extended.Index, extended.Length), Is.EqualTo((MessageId.Extended, 3, big.Length)));
        Assert.That(extended.Payload.ToArray(), Is.EqualTo(big));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke));
    }

    [Test]
    public async Task AChokeUnderFastKeepsRequestsUntilRejected()
    {
        await _b.SendRequestsAsync([new(0, 0, 16384)], default);
        await _a.SendChokeAsync(default);
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Choke));
        Assert.That(_b.OutstandingRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task ConcurrentSendersAndAReceiverDoNotInterleave()
    {
        var block = new byte[16384];
        const int perSender = 200;
        var requests = Enumerable.Range(0, 4 * perSender).Select(i => new BlockRequest(i % 10, i / 10 * 16384, 16384)).ToArray();
        await _b.SendRequestsAsync(requests, default);
        var senders = Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
        {
            for (int i = s * perSender; i < (s + 1) * perSender; i++)
            {
                await _a.SendPieceAsync(requests[i].Piece, requests[i].Begin, block, default);
                await _a.SendKeepAliveAsync(default);
            }
        })).ToArray();
        int pieces = 0;
        while (pieces < requests.Length)
            if ((await Next()).Id == MessageId.Piece)
                pieces++;
        await Task.WhenAll(senders);
        Assert.That(_b.OutstandingRequests, Is.Zero);
    }
}
