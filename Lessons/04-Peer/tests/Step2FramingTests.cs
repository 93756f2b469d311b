using System.Buffers.Binary;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.Lesson.LessonPeer;

namespace MeTorrent.Tests.Peer.Lesson;

/// <summary>Lesson 04, step 2 (04-peer.framing): length-prefixed messages, both ways.</summary>
[Stage(4)]
public class Step2FramingTests
{
    [Test]
    public void WritesInterested()
    {
        var bytes = new byte[5];
        int written = MessageWriter.Simple(bytes, MessageId.Interested);
        Assert.That(written, Is.EqualTo(5), "a message without payload is 5 bytes");
        Assert.That(bytes, Is.EqualTo(new byte[] { 0, 0, 0, 1, 2 }), "length 1 (4 bytes, big-endian: just the id), then id 2 (interested)");
    }

    [Test]
    public void WritesARequest()
    {
        var bytes = new byte[MessageWriter.RequestLength];
        int written = MessageWriter.WithBlock(bytes, MessageId.Request, new BlockRequest(1, 16384, 16384));
        Assert.That(written, Is.EqualTo(17), "a request is 17 bytes: 4 of length, 1 of id, 12 of payload");
        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("0000000D" + "06" + "00000001" + "00004000" + "00004000"),
            "length 13, id 6 (request), then piece index 1, begin 16384, length 16384, each 4 bytes big-endian");
    }

    [Test]
    public async Task ReadsMessagesFromAPeer()
    {
        await using var peer = new FakePeer(InfoHashBytes, async (_, stream, ct) =>
        {
            await stream.WriteAsync(FakePeer.Message(5, 0b1010_0000), ct); // bitfield: pieces 0 and 2 of 3
            await stream.WriteAsync(FakePeer.Message(4, FakePeer.Int(1)), ct); // have piece 1
            await stream.WriteAsync(FakePeer.Message(1), ct); // unchoke
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());

        var bitfield = await ReceiveValidAsync(connection, "length 2, id 5 (bitfield), 1 byte of bits");
        Assert.That(bitfield.Id, Is.EqualTo(MessageId.Bitfield), "first: length 2, id 5 (bitfield), 1 byte of bits");
        var have = await ReceiveValidAsync(connection, "length 5, id 4 (have), piece index 1");
        Assert.That((have.Id, have.Index), Is.EqualTo((MessageId.Have, 1)), "next: length 5, id 4 (have), piece index 1");
        Assert.That((await ReceiveValidAsync(connection, "length 1, id 1 (unchoke)")).Id, Is.EqualTo(MessageId.Unchoke), "next: length 1, id 1 (unchoke)");
        Assert.That(connection.PeerChoking, Is.False, "after an unchoke the peer no longer chokes us");
        Assert.That(connection.PeerPieces.SetCount, Is.EqualTo(3), "the bitfield (pieces 0, 2) and the have (piece 1) add up to all 3 pieces");
    }

    [Test]
    public async Task ReadsAKeepAlive()
    {
        await using var peer = new FakePeer(InfoHashBytes, async (_, stream, ct) =>
        {
            await stream.WriteAsync((byte[])[0, 0, 0, 0], ct); // keep-alive
            await stream.WriteAsync(FakePeer.Message(4, FakePeer.Int(2)), ct); // have piece 2
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        var keepAlive = await ReceiveValidAsync(connection, "a keep-alive: the 4 bytes 00 00 00 00, a length of 0 with no id after it");
        Assert.That(keepAlive.Id, Is.EqualTo(MessageId.KeepAlive),
            "keep-alive: a length of 0 is a whole message with no id and no payload; return an empty frame and read no further");
        var have = await ReceiveValidAsync(connection, "after the keep-alive, a have (length 5, id 4, piece 2)");
        Assert.That((have.Id, have.Index), Is.EqualTo((MessageId.Have, 2)),
            "after a keep-alive the next frame starts right after its 4 bytes: consume exactly 4 bytes for the keep-alive");
    }

    [TestCase(0x80000000u, TestName = "RejectsAFrameLengthOf2Pow31")]
    [TestCase(0xFFFFFFFFu, TestName = "RejectsAFrameLengthOf2Pow32Minus1")]
    public async Task RejectsAFrameLengthOf2GiBOrMore(uint length)
    {
        await using var peer = new FakePeer(InfoHashBytes, async (_, stream, ct) =>
        {
            byte[] frame = [0, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, length);
            await stream.WriteAsync(frame, ct); // an unknown message id 99 that claims 2 GiB or more
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        // Not `await using`: code that reads the length as an int may spin for ever on the frame (a skip of a
        // negative length skips nothing); the test then fails after 5 s and leaves that connection behind.
        var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        var receive = Task.Run(async () => await connection.ReceiveAsync(ShortTimeout()));
        Assert.That(async () => await receive.WaitAsync(TimeSpan.FromSeconds(5)), Throws.TypeOf<PeerProtocolException>(),
            $"a frame length of {length} (0x{length:X8}): the length is an unsigned 32-bit number; read as an int it is negative " +
            "and slips past every \"too long\" check (and a skip of a negative length never ends). Refuse a length of 2^31 or more with a PeerProtocolException");
        await connection.DisposeAsync();
    }

    [Test]
    public async Task ReadsAMessageThatArrivesInBits()
    {
        await using var peer = new FakePeer(InfoHashBytes, async (_, stream, ct) =>
        {
            foreach (byte b in FakePeer.Message(4, FakePeer.Int(2)))
            {
                await stream.WriteAsync((byte[])[b], ct);
                await stream.FlushAsync(ct);
                await Task.Delay(20, ct);
            }
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        var have = await ReceiveValidAsync(connection, "a have (length 5, id 4, piece 2) that arrives one byte at a time");
        Assert.That((have.Id, have.Index), Is.EqualTo((MessageId.Have, 2)),
            "TCP is a stream, not messages: one read may return 1 byte of a message; keep reading until the whole frame is there (FillAsync)");
    }

    [Test]
    public async Task RejectsAMessageWithAnImpossibleLength()
    {
        await using var peer = new FakePeer(InfoHashBytes, async (_, stream, ct) =>
        {
            await stream.WriteAsync((byte[])[0, 0, 0, 6, 4, 0, 0, 0, 1, 0], ct); // a "have" of 6 bytes instead of 5
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        Assert.That(async () => await connection.ReceiveAsync(Timeout()), Throws.TypeOf<PeerProtocolException>(),
            "ask _checkLength(id, length) before reading a body: a have is always 5 bytes, so 6 breaks the protocol");
    }

    [Test]
    public async Task SendsRequestsThePeerCanRead()
    {
        var received = new TaskCompletionSource<(byte Id, byte[] Payload)>();
        await using var peer = new FakePeer(InfoHashBytes, async (self, stream, ct) =>
        {
            if (await self.ReadMessageAsync(stream, ct) is { } message)
                received.TrySetResult(message);
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        await connection.SendRequestsAsync([new BlockRequest(2, 16384, 1000)], Timeout());
        var (id, payload) = await received.Task.WaitAsync(Timeout());
        Assert.That(id, Is.EqualTo(6), "the peer read a request (id 6)");
        Assert.That((BinaryPrimitives.ReadInt32BigEndian(payload), BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(8))),
            Is.EqualTo((2, 16384, 1000)), "for piece 2, 1000 bytes at 16384");
    }

    private static Task<PeerMessage> ReceiveValidAsync(PeerConnection connection, string what) =>
        MeTorrent.Tests.Support.LessonAssert.ValidAsync(async () => await connection.ReceiveAsync(Timeout()),
            $"Step 2 (framing): the peer sent {what}.");
}
