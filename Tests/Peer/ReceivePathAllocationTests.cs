using System.Net.Sockets;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>
/// The block path reuses its buffers: receiving thousands of 16 KiB blocks allocates next to nothing.
/// (Measured in bytes allocated by the whole process, so other threads' noise only makes it stricter.)
/// A Debug build allocates each async state machine on the heap, hundreds of bytes per call; a Release
/// build allocates nothing per message (about 2.6 KB in all for 3,800 received blocks). The Debug bound still
/// catches any per-message buffer, which would be 16 KiB.
/// </summary>
[TestFixture, Stage(4)]
public class ReceivePathAllocationTests
{
    private const int Blocks = 2000; // 32 MiB
#if DEBUG
    private const int BytesPerBlock = 1024;
#else
    private const int BytesPerBlock = 64;
#endif

    [Test]
    public async Task ReceivingBlocksAllocatesFarLessThanTheData()
    {
        var (ours, raw) = await RawPairAsync(Options(pieceCount: Blocks));
        await using var _ = ours;
        await using var __ = raw;
        var requests = Enumerable.Range(0, Blocks).Select(i => new BlockRequest(i, 0, 16384)).ToArray();
        await ours.SendRequestsAsync(requests, default);
        var wire = new MemoryStream();
        foreach (var request in requests)
            wire.Write(Frame(7, [.. Ints(request.Piece, 0), .. new byte[16384]]));
        var sending = Task.Run(() => raw.Write(wire.ToArray()));

        await Receive(ours, 100); // warm up: pools, JIT, token sources
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await Receive(ours, Blocks - 100);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await sending;

        TestContext.Out.WriteLine($"{allocated} bytes allocated while receiving {Blocks - 100} blocks");
        Assert.That(allocated, Is.LessThan((Blocks - 100) * BytesPerBlock), $"more than {BytesPerBlock} bytes per block");
    }

    /// <summary>The same with pieces received straight into blocks (scatter reads): the blocks come from the pool.</summary>
    [Test]
    public async Task ReceivingBlocksIntoPooledBlocksAllocatesFarLessThanTheData()
    {
        var pool = new ReusingBlocks();
        var (ours, raw) = await RawPairAsync(new PeerConnectionOptions
        {
            PieceCount = Blocks, BlockBuffers = pool, MatchAnswers = false, HandshakeTimeout = TimeSpan.FromSeconds(5),
        });
        await using var _ = ours;
        await using var __ = raw;
        await ours.SendInterestedAsync(default);   // blocks are received straight from peers we are interested in
        var wire = new MemoryStream();
        for (int i = 0; i < Blocks; i++)
            wire.Write(Frame(7, [.. Ints(i, 0), .. new byte[16384]]));
        var sending = Task.Run(() => raw.Write(wire.ToArray()));

        await Receive(ours, 100, pool);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await Receive(ours, Blocks - 100, pool);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await sending;

        TestContext.Out.WriteLine($"{allocated} bytes allocated while receiving {Blocks - 100} blocks into pooled blocks");
        Assert.That(ours.BlockBytesStraight, Is.EqualTo((long)Blocks * 16384), "received straight into the blocks");
        Assert.That(allocated, Is.LessThan((Blocks - 100) * BytesPerBlock), $"more than {BytesPerBlock} bytes per block");
    }

    private sealed class ReusingBlocks : IBlockBuffers
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> _free = [];

        public int BlockLength => 16384;

        public byte[] Rent() => _free.TryTake(out var block) ? block : new byte[BlockLength];

        public void Return(byte[] block) => _free.Add(block);
    }

    [Test]
    public async Task SendingBlocksAllocatesFarLessThanTheData()
    {
        var (ours, raw) = await RawPairAsync(Options(pieceCount: Blocks));
        await using var _ = ours;
        await using var __ = raw;
        var block = new byte[16384];
        var draining = Task.Run(async () =>
        {
            var sink = new byte[1 << 20];
            long total = 0, expected = (long)Blocks * (13 + 16384);
            while (total < expected)
                total += await raw.ReadAsync(sink);
        });
        for (int i = 0; i < 100; i++)
            await ours.SendPieceAsync(i, 0, block, default);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 100; i < Blocks; i++)
            await ours.SendPieceAsync(i, 0, block, default);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await draining;

        TestContext.Out.WriteLine($"{allocated} bytes allocated while sending {Blocks - 100} blocks");
        Assert.That(allocated, Is.LessThan((Blocks - 100) * BytesPerBlock), $"more than {BytesPerBlock} bytes per block");
    }

    private static async Task Receive(PeerConnection connection, int pieces, IBlockBuffers? pool = null)
    {
        for (int received = 0; received < pieces;)
        {
            var message = await connection.ReceiveAsync(default);
            if (message.Id != MessageId.Piece)
                continue;
            received++;
            if (message.Block is { } block)
                pool!.Return(block);
        }
    }
}
