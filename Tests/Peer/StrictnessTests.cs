using System.Net.Sockets;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>A raw socket sends what a broken or hostile peer might; our connection must refuse it cleanly.</summary>
[TestFixture, Stage(4)]
public class StrictnessTests
{
    private PeerConnection _ours = null!;
    private NetworkStream _raw = null!;

    private async Task Connect(bool fast = false, bool extensions = false, double readTimeout = 10)
        => (_ours, _raw) = await RawPairAsync(Options(readTimeoutSeconds: readTimeout), Reserved(extensions, fast));

    [TearDown]
    public async Task Close()
    {
        await _ours.DisposeAsync();
        await _raw.DisposeAsync();
    }

    private async Task Send(params byte[][] frames)
    {
        foreach (var frame in frames)
            await _raw.WriteAsync(frame);
    }

    private Task<PeerMessage> Next() => _ours.ReceiveAsync(Deadline()).AsTask();

    [Test]
    public async Task AnOversizedPieceIsRefusedFromItsHeaderAlone()
    {
        await Connect();
        var header = Frame(7, Ints(0, 0));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, 9 + 16384 + 1);
        await Send(header); // the 16 KiB body never comes: the error must not wait for it
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("exceeds"));
    }

    [Test]
    public async Task AHugeLengthPrefixIsRefused()
    {
        await Connect(extensions: true);
        await Send([0x7F, 0xFF, 0xFF, 0xFF, 20]);
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [TestCase((byte)0, 2)]   // choke with a payload
    [TestCase((byte)4, 5)]   // have too long
    [TestCase((byte)6, 12)]  // request too short
    [TestCase((byte)9, 1)]   // port too short
    public async Task AFixedSizeMessageOfTheWrongSizeIsRefused(byte id, int payloadLength)
    {
        await Connect();
        await Send(Frame(id, new byte[payloadLength]));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task ABitfieldOfTheWrongSizeIsRefused()
    {
        await Connect();
        await Send(Frame(5, 0xFF, 0xC0, 0x00)); // 10 pieces need 2 bytes
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task ABitfieldWithSpareBitsIsRefused()
    {
        await Connect();
        await Send(Frame(5, 0xFF, 0xC1));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("spare"));
    }

    [Test]
    public async Task ALateBitfieldAddsItsPiecesAndIsPassedUp()
    {
        // aria2 sends a bitfield after its first haves; BEP 3 wants it first, but interop wins: the
        // connection lives on, and the receiver (the engine's loop) counts what is new in it.
        await Connect();
        await Send(Frame(5, 0x80, 0x00), Frame(5, 0xC0, 0x00), Frame(4, Ints(5)));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Bitfield));
        var late = await Next();
        Assert.That((late.Id, late.Payload.Span[0]), Is.EqualTo((MessageId.Bitfield, (byte)0xC0)), "the late bitfield is passed up whole");
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Have));
        Assert.That(_ours.PeerPieces.SetCount, Is.EqualTo(3), "pieces 0 and 5 from the first messages, piece 1 from the late bitfield");
    }

    [Test]
    public async Task ARepeatedHaveIsNotPassedUpTwice()
    {
        await Connect();
        await Send(Frame(4, Ints(3)), Frame(4, Ints(3)), Frame(4, Ints(5)));
        var first = await Next();
        var second = await Next();
        Assert.That((first.Id, first.Index), Is.EqualTo((MessageId.Have, 3)));
        Assert.That((second.Id, second.Index), Is.EqualTo((MessageId.Have, 5)), "the repeated have for piece 3 is dropped");
        Assert.That(_ours.PeerPieces.SetCount, Is.EqualTo(2));
    }

    [Test]
    public async Task AHaveOutOfRangeIsRefused()
    {
        await Connect();
        await Send(Frame(4, Ints(10)));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("piece 10"));
        Assert.That(_ours.PeerPieces.SetCount, Is.Zero);
    }

    [Test]
    public async Task ANegativeHaveIsRefused()
    {
        await Connect();
        await Send(Frame(4, Ints(-1)));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task ARequestForMoreThan16KiBIsRefused()
    {
        await Connect();
        await Send(Frame(6, Ints(0, 0, 32768)));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task UnrequestedPiecesAreDroppedAndTheRequestedOneArrives()
    {
        await Connect();
        await _ours.SendRequestsAsync([new BlockRequest(1, 0, 4)], default);
        await Send(
            Frame(7, [.. Ints(1, 4), 9, 9, 9, 9]),       // wrong offset
            Frame(7, [.. Ints(1, 0), 9, 9, 9]),          // wrong length
            Frame(7, [.. Ints(2, 0), 9, 9, 9, 9]),       // another piece
            Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]),       // the real one
            Frame(7, [.. Ints(1, 0), 5, 5, 5, 5]),       // a duplicate
            Frame(1));
        var message = await Next();
        Assert.That(message.Payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke));
        Assert.That(_ours.BytesReceived, Is.EqualTo(4));
    }

    [Test]
    public async Task APieceAfterCancelIsDropped()
    {
        await Connect();
        var request = new BlockRequest(1, 0, 4);
        await _ours.SendRequestsAsync([request], default);
        await _ours.SendCancelAsync(request, default);
        await Send(Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]), Frame(2));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Interested));
    }

    [Test]
    public async Task AChokeWithoutFastKeepsTheRequestsUntilCancelled()
    {
        await Connect();
        await _ours.SendRequestsAsync([new BlockRequest(1, 0, 4), new BlockRequest(1, 4, 4)], default);
        await Send(Frame(0), Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Choke));
        Assert.That(_ours.OutstandingRequests, Is.EqualTo(2), "a choke alone does not forget the requests: the engine decides (issue 9)");
        var late = await Next();
        Assert.That((late.Id, late.Begin), Is.EqualTo((MessageId.Piece, 0)), "a block queued before the choke is still taken");
        await _ours.SendCancelAsync(new BlockRequest(1, 4, 4), default);
        Assert.That(_ours.OutstandingRequests, Is.Zero);
        await Send(Frame(7, [.. Ints(1, 4), 1, 2, 3, 4]), Frame(1));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke), "a block for a cancelled request is dropped");
    }

    [Test]
    public async Task UnknownMessagesAreSkipped()
    {
        await Connect();
        await Send(Frame(42, new byte[1000]), Frame(), Frame(9, 0x1A, 0xE1), Frame(1));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.KeepAlive));
        var port = await Next();
        Assert.That((port.Id, port.Index), Is.EqualTo((MessageId.Port, 6881)));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke));
    }

    [TestCase((byte)14)]
    [TestCase((byte)15)]
    public async Task FastMessagesNeedTheFastExtension(byte id)
    {
        await Connect(fast: false);
        await Send(Frame(id));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("BEP 6"));
    }

    [Test]
    public async Task FastMessagesWorkWhenNegotiated()
    {
        await Connect(fast: true);
        await Send(Frame(14), Frame(17, Ints(3)), Frame(13, Ints(4)));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.HaveAll));
        Assert.That(_ours.PeerPieces.IsComplete, Is.True);
        Assert.That(await Next(), Has.Property("Id").EqualTo(MessageId.AllowedFast).And.Property("Index").EqualTo(3));
        Assert.That(await Next(), Has.Property("Id").EqualTo(MessageId.Suggest).And.Property("Index").EqualTo(4));
    }

    [Test]
    public async Task UnderFastARejectForARequestNeverSentIsRefused()
    {
        await Connect(fast: true);
        await Send(Frame(16, Ints(1, 0, 16384)));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("answers no request"));
    }

    [Test]
    public async Task UnderFastABlockAskedTwiceMayBeAnsweredTwice()
    {
        await Connect(fast: true);
        var block = new BlockRequest(1, 0, 4);
        await _ours.SendRequestsAsync([block], default);
        await _ours.SendRequestsAsync([block], default);
        Assert.That(_ours.OutstandingRequests, Is.EqualTo(2));
        await Send(Frame(16, Ints(1, 0, 4)), Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Reject));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Piece));
        Assert.That(_ours.OutstandingRequests, Is.Zero);
        await Send(Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>(), "a third answer is one too many");
    }

    [Test]
    public async Task UnderFastAnUnrequestedPieceIsRefused()
    {
        await Connect(fast: true);
        await Send(Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
        Assert.That(_ours.BytesReceived, Is.Zero);
    }

    [Test]
    public async Task UnderFastTheAnswerToACancelledRequestIsDropped()
    {
        await Connect(fast: true);
        BlockRequest first = new(1, 0, 4), second = new(1, 4, 4);
        await _ours.SendRequestsAsync([first, second], default);
        await _ours.SendCancelAsync(first, default);
        await _ours.SendCancelAsync(second, default);
        Assert.That(_ours.OutstandingRequests, Is.Zero);
        await Send(Frame(7, [.. Ints(1, 0), 1, 2, 3, 4]), Frame(16, Ints(1, 4, 4)), Frame(1));
        Assert.That((await Next()).Id, Is.EqualTo(MessageId.Unchoke));
        Assert.That(_ours.BytesReceived, Is.Zero);
    }

    [Test]
    public async Task ExtendedMessagesNeedTheExtensionProtocol()
    {
        await Connect(extensions: false);
        await Send(Frame(20, 0, (byte)'d', (byte)'e'));
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>().With.Message.Contains("BEP 10"));
    }

    [Test]
    public async Task AnExtendedMessageOverTheLimitIsRefused()
    {
        await Connect(extensions: true);
        var header = Frame(20, 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, WireLimits.MaxExtendedLength + 1);
        await Send(header);
        Assert.That(Next, Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task ClosingMidMessageIsEndOfStream()
    {
        await Connect();
        await Send(Frame(5, 0xFF, 0xC0)[..5]);
        _raw.Socket.Shutdown(SocketShutdown.Send);
        Assert.That(Next, Throws.TypeOf<EndOfStreamException>());
    }

    [Test]
    public async Task SilenceIsATimeout()
    {
        await Connect(readTimeout: 0.3);
        Assert.That(Next, Throws.TypeOf<TimeoutException>());
    }

    [Test]
    public async Task CancellingIsNotATimeout()
    {
        await Connect();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.That(async () => await _ours.ReceiveAsync(cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task WeRefuseToSendWhatThePeerMustRefuse()
    {
        await Connect(fast: false);
        Assert.That(async () => await _ours.SendRequestsAsync([new BlockRequest(0, 0, 16385)], default), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(async () => await _ours.SendHaveAsync(10, default), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(async () => await _ours.SendRejectAsync(new BlockRequest(0, 0, 1), default), Throws.InvalidOperationException);
        await _ours.SendInterestedAsync(default);
        Assert.That(async () => await _ours.SendBitfieldAsync(new Bitfield(10), default), Throws.InvalidOperationException);
    }
}
