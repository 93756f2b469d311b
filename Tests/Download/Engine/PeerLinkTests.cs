using System.Threading.Channels;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;
using MeTorrent.Tests.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download.Engine;

/// <summary>A connection's reader, alone: what it posts, and what it gives back when the engine stops.</summary>
[Stage(5)]
public class PeerLinkTests
{
    [Test]
    public async Task ABlockReadWhileTheEngineStopsGoesBackToThePool()
    {
        // As the engine opens its connections: the loop, not the connection, decides which blocks were asked for.
        var options = new PeerConnectionOptions { PieceCount = 10, MatchAnswers = false, ReadTimeout = TimeSpan.FromSeconds(10) };
        var (ours, raw) = await PeerTestKit.RawPairAsync(options);
        await using (ours)
        await using (raw)
        {
            var blocks = new BlockPool();
            var link = new PeerLink(ours, new NoBlocks(), new EngineStats(), blocks);
            // The loop has fallen behind: its queue is full, so the reader waits to post the block it read...
            var events = Channel.CreateBounded<EngineEvent>(1);
            Assert.That(events.Writer.TryWrite(new Tick()), Is.True);
            using var stop = new CancellationTokenSource();
            var reading = link.ReadAsync(events.Writer, stop.Token);
            await raw.WriteAsync(PeerTestKit.Frame(7, [.. PeerTestKit.Ints(0, 0), .. new byte[16384]]));
            await WaitUntilAsync(() => blocks.Counts.Rented == 1, PeerTestKit.Deadline());

            // ...and the engine stops meanwhile: that block will never reach a loop.
            stop.Cancel();
            // Everything posted, up to the reader's last word: read as it comes, so that a post that should not
            // have happened shows in the assertion below instead of keeping the reader waiting for room.
            var posted = new List<Type>();
            var deadline = PeerTestKit.Deadline();
            while (posted.LastOrDefault() != typeof(PeerLeft))
                posted.Add((await events.Reader.ReadAsync(deadline)).GetType());
            await reading.WaitAsync(deadline);
            Assert.That(posted, Is.EqualTo(new[] { typeof(Tick), typeof(PeerLeft) }), "the reader says why it ended, and posted nothing else");
            Assert.That(blocks.Counts.InUse, Is.Zero, "the block came back to the pool");
        }
    }

    private sealed class NoBlocks : IBlockSource
    {
        public ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct) =>
            throw new AssertionException("nothing is served in this test");
    }
}
