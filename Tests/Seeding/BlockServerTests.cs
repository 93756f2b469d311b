using MeTorrent.Download.Engine;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// The upload side of a connection's writer: a burst of requests is answered a few blocks per write, each
/// block its own piece message, in the order asked; a refused request is rejected (BEP 6) in its place.
/// </summary>
[TestFixture, Stage(6)]
public class BlockServerTests
{
    /// <summary>Block bytes made from the request, so a block sent for the wrong request shows; piece 9 is refused.</summary>
    private sealed class PatternSource : IBlockSource
    {
        public ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct)
        {
            if (request.Piece == 9)
                return ValueTask.FromResult(BlockAnswer.Refuse);
            Pattern(request).CopyTo(block);
            return ValueTask.FromResult(BlockAnswer.Send);
        }
    }

    private static byte[] Pattern(BlockRequest request) =>
        [.. Enumerable.Range(0, request.Length).Select(i => (byte)(i * 7 + request.Piece * 31 + request.Begin / 16384))];

    [Test]
    public async Task ABurstIsAnsweredInOrderWithTheRefusedRequestRejectedInItsPlace()
    {
        var (seeder, leecher) = await PairAsync();
        await using var _ = seeder;
        await using var __ = leecher;
        BlockRequest[] asked = [new(1, 0, 16384), new(1, 16384, 16384), new(9, 0, 16384), new(2, 0, 1000), new(3, 0, 16384), new(3, 16384, 16384)];
        await leecher.SendRequestsAsync(asked, default);
        var stats = new EngineStats();
        using var server = new BlockServer(seeder, new PatternSource(), stats);
        await server.ServeAsync(asked[..BlockServer.BlocksPerWrite], default);
        await server.ServeAsync(asked[BlockServer.BlocksPerWrite..], default);

        foreach (var request in asked)
        {
            var message = await leecher.ReceiveAsync(Deadline());
            var block = new BlockRequest(message.Index, message.Begin, message.Length);
            if (request.Piece == 9)
            {
                Assert.That((message.Id, block), Is.EqualTo((MessageId.Reject, request)), "the refused request, rejected in its place");
                continue;
            }
            Assert.That((message.Id, block), Is.EqualTo((MessageId.Piece, request)));
            Assert.That(message.Payload.ToArray(), Is.EqualTo(Pattern(request)), $"{request}: its own bytes");
        }
        long sent = asked.Where(r => r.Piece != 9).Sum(r => (long)r.Length);
        Assert.That((stats.BlocksUploaded, stats.BytesUploaded, seeder.BytesSent), Is.EqualTo((5L, sent, sent)));
    }

    /// <summary>A source whose disk fails after it has read <paramref name="good"/> blocks.</summary>
    private sealed class FailingSource(int good) : IBlockSource
    {
        private int _read;

        public ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct)
        {
            if (++_read > good)
                throw new IOException("(test) the disk failed");
            Pattern(request).CopyTo(block);
            return ValueTask.FromResult(BlockAnswer.Send);
        }
    }

    [Test]
    public async Task WhenAReadFailsTheBlocksReadBeforeItAreStillSent()
    {
        var (seeder, leecher) = await PairAsync();
        await using var _ = seeder;
        await using var __ = leecher;
        BlockRequest[] asked = [new(1, 0, 16384), new(1, 16384, 16384), new(1, 32768, 16384), new(1, 49152, 16384)];
        await leecher.SendRequestsAsync(asked, default);
        var stats = new EngineStats();
        using var server = new BlockServer(seeder, new FailingSource(good: 2), stats);

        await Assert.ThrowsAsync<IOException>(async () => await server.ServeAsync(asked, default));

        foreach (var request in asked[..2])
        {
            var message = await leecher.ReceiveAsync(Deadline());
            Assert.That((message.Id, new BlockRequest(message.Index, message.Begin, message.Length)), Is.EqualTo((MessageId.Piece, request)));
            Assert.That(message.Payload.ToArray(), Is.EqualTo(Pattern(request)));
        }
        Assert.That(stats.BlocksUploaded, Is.EqualTo(2));
    }

    [Test]
    public async Task MoreRequestsThanOneWriteTakesAreRefusedAsAMistake()
    {
        var (seeder, leecher) = await PairAsync();
        await using var _ = seeder;
        await using var __ = leecher;
        using var server = new BlockServer(seeder, new PatternSource(), new EngineStats());
        var tooMany = Enumerable.Range(0, BlockServer.BlocksPerWrite + 1).Select(i => new BlockRequest(1, i * 16384, 16384)).ToArray();
        await Assert.ThrowsAsync<ArgumentException>(async () => await server.ServeAsync(tooMany, default));
    }
}
