using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>
/// Pieces received straight into their blocks (<see cref="PeerConnectionOptions.BlockBuffers"/>): the socket
/// writes each payload into the array that the download keeps, with nothing copied in between; every
/// message still arrives whole and in order, however the bytes are cut; and no block is lost, whatever
/// becomes of the piece (delivered, dropped, refused, cut off by a closing peer).
/// </summary>
[TestFixture, Stage(4)]
public class BlockReceiveTests
{
    private const int BlockLength = 16384;

    /// <summary>A pool that knows every array it lent and which came back.</summary>
    private sealed class CountingBlocks : IBlockBuffers
    {
        private readonly HashSet<byte[]> _lent = new(ReferenceEqualityComparer.Instance);
        private readonly Lock _lock = new();

        public int BlockLength => BlockReceiveTests.BlockLength;

        public byte[] Rent()
        {
            var block = new byte[BlockLength];
            lock (_lock) _lent.Add(block);
            return block;
        }

        public void Return(byte[] block)
        {
            lock (_lock)
                Assert.That(_lent.Remove(block), Is.True, "a block returned twice, or not one of ours");
        }

        public bool Lent(byte[] block) { lock (_lock) return _lent.Contains(block); }

        public int Out { get { lock (_lock) return _lent.Count; } }
    }

    private static PeerConnectionOptions BlockOptions(CountingBlocks blocks, int pieceCount = 1000, bool matchAnswers = false) =>
        new()
        {
            PieceCount = pieceCount,
            ReadTimeout = TimeSpan.FromSeconds(10),
            HandshakeTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MatchAnswers = matchAnswers,
            BlockBuffers = blocks,
        };

    private static byte[] Payload(int piece, int begin, int length)
    {
        var payload = new byte[length];
        new Random(piece * 31 + begin).NextBytes(payload);
        return payload;
    }

    private static byte[] PieceFrame(int piece, int begin, byte[] payload) => Frame(7, [.. Ints(piece, begin), .. payload]);

    [Test]
    public async Task ARunOfPiecesIsWrittenByTheSocketStraightIntoTheBlocks()
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks));
        await ours.SendInterestedAsync(Deadline());   // pieces are received into blocks from peers we are interested in
        await using var _ = ours;
        await using var __ = raw;
        const int count = 200;
        var wire = new MemoryStream();
        for (int i = 0; i < count; i++)
            wire.Write(PieceFrame(i, 0, Payload(i, 0, BlockLength)));
        var sending = raw.WriteAsync(wire.ToArray()).AsTask();

        for (int i = 0; i < count; i++)
        {
            var message = await ours.ReceiveAsync(Deadline());
            Assert.That((message.Id, message.Index, message.Begin, message.Length), Is.EqualTo((MessageId.Piece, i, 0, BlockLength)));
            Assert.That(message.Block, Is.Not.Null, "a piece received with BlockBuffers comes in its block");
            Assert.That(blocks.Lent(message.Block!), Is.True, "the block is one the pool lent");
            Assert.That(MemoryMarshal.TryGetArray(message.Payload, out var segment) && segment.Array == message.Block && segment.Offset == 0,
                Is.True, "the payload lies in the block itself");
            Assert.That(message.Payload.ToArray(), Is.EqualTo(Payload(i, 0, BlockLength)), $"piece {i}'s payload");
            blocks.Return(message.Block!);
        }
        await sending;
        Assert.That(ours.BlockBytesStraight, Is.EqualTo((long)count * BlockLength), "every payload byte written by the socket into its block");
        Assert.That(ours.BlockBytesCopied, Is.Zero, "no payload byte copied from the read buffer");
    }

    /// <summary>Pieces of a block and shorter, haves, keep-alives and unchokes, cut into chunks of any size.</summary>
    [TestCase(1), TestCase(2), TestCase(3), TestCase(4)]
    public async Task MixedMessagesArriveWholeAndInOrderHoweverTheBytesAreCut(int seed)
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks));
        await ours.SendInterestedAsync(Deadline());   // pieces are received into blocks from peers we are interested in
        await using var __ = raw;
        var random = new Random(seed);
        var expected = new List<(MessageId Id, int Index, int Begin, byte[] Payload)>();
        var wire = new MemoryStream();
        for (int i = 0; i < 400; i++)
        {
            int kind = random.Next(10);
            int piece = random.Next(1000), begin = random.Next(16) * BlockLength;
            if (kind < 6)
            {
                var payload = Payload(piece, begin, kind == 5 ? random.Next(1, BlockLength) : BlockLength);
                wire.Write(PieceFrame(piece, begin, payload));
                expected.Add((MessageId.Piece, piece, begin, payload));
            }
            else if (kind < 8)
            {
                wire.Write(Frame(4, Ints(i)));   // a repeated have would be dropped: each names a new piece
                expected.Add((MessageId.Have, i, 0, []));
            }
            else if (kind == 8)
            {
                wire.Write(Frame());
                expected.Add((MessageId.KeepAlive, 0, 0, []));
            }
            else
            {
                wire.Write(Frame(1));
                expected.Add((MessageId.Unchoke, 0, 0, []));
            }
        }
        var bytes = wire.ToArray();
        var sending = Task.Run(async () =>
        {
            for (int at = 0; at < bytes.Length;)
            {
                int chunk = Math.Min(bytes.Length - at, random.Next(4) == 0 ? random.Next(1, 14) : random.Next(1, 40000));
                await raw.WriteAsync(bytes.AsMemory(at, chunk));
                await raw.FlushAsync();
                at += chunk;
                if (random.Next(8) == 0)
                    await Task.Delay(1);
            }
        });

        long pieceBytes = 0;
        foreach (var (id, index, begin, payload) in expected)
        {
            var message = await ours.ReceiveAsync(Deadline());
            Assert.That((message.Id, message.Index), Is.EqualTo((id, index)));
            if (id != MessageId.Piece)
                continue;
            Assert.That(message.Begin, Is.EqualTo(begin));
            Assert.That(message.Block, Is.Not.Null);
            Assert.That(message.Payload.ToArray(), Is.EqualTo(payload), $"the payload of piece {index}:{begin}");
            blocks.Return(message.Block!);
            pieceBytes += payload.Length;
        }
        await sending;
        Assert.That(ours.BlockBytesStraight + ours.BlockBytesCopied, Is.EqualTo(pieceBytes));
        await ours.DisposeAsync();
        Assert.That(blocks.Out, Is.Zero, "the spare blocks went back to the pool with the connection");
    }

    [Test]
    public async Task OverAStreamThatIsNoSocketPiecesStillComeInTheirBlocks()
    {
        var blocks = new CountingBlocks();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        await using var raw = new NetworkStream(await listener.AcceptSocketAsync(), ownsSocket: true);
        var answering = Task.Run(async () =>
        {
            await raw.ReadExactlyAsync(new byte[68]);
            await raw.WriteAsync(RawHandshake(Hash));
        });
        var stream = new BufferedStream(new NetworkStream(client, ownsSocket: true));   // a Stream, not a NetworkStream
        await using var ours = await PeerConnection.OpenAsync(stream, (IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(),
            BlockOptions(blocks), Deadline());
        await answering;
        await ours.SendInterestedAsync(Deadline());
        var payloads = Enumerable.Range(0, 20).Select(i => Payload(i, 0, i == 19 ? 1000 : BlockLength)).ToArray();
        await raw.WriteAsync(payloads.SelectMany((p, i) => PieceFrame(i, 0, p)).ToArray());

        for (int i = 0; i < payloads.Length; i++)
        {
            var message = await ours.ReceiveAsync(Deadline());
            Assert.That(message.Block, Is.Not.Null);
            Assert.That(message.Payload.ToArray(), Is.EqualTo(payloads[i]));
            blocks.Return(message.Block!);
        }
        Assert.That(blocks.Out, Is.Zero);
    }

    [Test]
    public async Task APieceNobodyAskedForGivesItsBlockBack()
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks, matchAnswers: true));
        await ours.SendInterestedAsync(Deadline());   // pieces are received into blocks from peers we are interested in
        await using var _ = ours;
        await using var __ = raw;
        // No fast extension: a piece that answers no request (say, after a choke) is dropped, not an error.
        await raw.WriteAsync((byte[])[.. PieceFrame(3, 0, Payload(3, 0, BlockLength)), .. Frame(4, Ints(5))]);

        var message = await ours.ReceiveAsync(Deadline());

        Assert.That((message.Id, message.Index), Is.EqualTo((MessageId.Have, 5)), "the piece was dropped");
        await ours.DisposeAsync();
        Assert.That(blocks.Out, Is.Zero, "the dropped piece's block went back to the pool");
    }

    [Test]
    public async Task APieceThatBreaksTheProtocolGivesItsBlockBack()
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks, matchAnswers: true), Reserved(fast: true));
        await ours.SendInterestedAsync(Deadline());   // pieces are received into blocks from peers we are interested in
        await using var __ = raw;
        // With the fast extension (BEP 6), a piece that answers no request closes the connection.
        await raw.WriteAsync(PieceFrame(3, 0, Payload(3, 0, BlockLength)));

        Assert.That(async () => await ours.ReceiveAsync(Deadline()), Throws.TypeOf<PeerProtocolException>());
        await ours.DisposeAsync();
        Assert.That(blocks.Out, Is.Zero);
    }

    [Test]
    public async Task APeerThatClosesHalfwayThroughAPayloadLeavesNoBlockOut()
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks));
        await ours.SendInterestedAsync(Deadline());   // pieces are received into blocks from peers we are interested in
        var frame = PieceFrame(1, 0, Payload(1, 0, BlockLength));
        await raw.WriteAsync(frame.AsMemory(0, 13 + BlockLength / 2));
        await raw.DisposeAsync();

        Assert.That(async () => await ours.ReceiveAsync(Deadline()), Throws.InstanceOf<EndOfStreamException>());
        await ours.DisposeAsync();
        Assert.That(blocks.Out, Is.Zero);
    }

    [Test]
    public async Task APeerThatStallsHalfwayThroughAPayloadTimesOut()
    {
        var blocks = new CountingBlocks();
        var options = BlockOptions(blocks);
        var (ours, raw) = await RawPairAsync(new PeerConnectionOptions
        {
            PieceCount = options.PieceCount, MatchAnswers = false, BlockBuffers = blocks,
            ReadTimeout = TimeSpan.FromSeconds(1), HandshakeTimeout = TimeSpan.FromSeconds(5),
        });
        await using var __ = raw;
        await ours.SendInterestedAsync(Deadline());
        var frame = PieceFrame(1, 0, Payload(1, 0, BlockLength));
        await raw.WriteAsync(frame.AsMemory(0, 13 + BlockLength / 2));

        Assert.That(async () => await ours.ReceiveAsync(Deadline()), Throws.TypeOf<TimeoutException>());
        await ours.DisposeAsync();
        Assert.That(blocks.Out, Is.Zero);
    }

    [Test]
    public async Task NotInterestedWeReadAsUsualAndThePayloadComesInTheFrame()
    {
        var blocks = new CountingBlocks();
        var (ours, raw) = await RawPairAsync(BlockOptions(blocks));
        await using var _ = ours;
        await using var __ = raw;
        var payload = Payload(2, 0, BlockLength);
        await raw.WriteAsync(PieceFrame(2, 0, payload));

        var message = await ours.ReceiveAsync(Deadline());

        Assert.That(message.Block, Is.Null, "a seeder's connection reads frames whole, a burst of requests in one read");
        Assert.That(message.Payload.ToArray(), Is.EqualTo(payload));
        Assert.That(blocks.Out, Is.Zero);
    }
}
