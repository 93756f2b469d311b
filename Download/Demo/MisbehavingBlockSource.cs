using MeTorrent.Download.Engine;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;

namespace MeTorrent.Download.Demo;

/// <summary>
/// A seeder's block source with a fault added (demo --liar, and the tests of how a downloader copes):
/// it wraps the engine's own source, so the engine itself has no fault injection in it.
/// </summary>
internal sealed class MisbehavingBlockSource(IBlockSource inner, SeederQuirk quirk, int pieceLength) : IBlockSource
{
    private int _served;

    public async ValueTask<BlockAnswer> ReadAsync(BlockRequest request, Memory<byte> block, CancellationToken ct)
    {
        var answer = await inner.ReadAsync(request, block, ct);
        if (answer != BlockAnswer.Send)
            return answer;
        switch (quirk)
        {
            case SeederQuirk.Silent:
                return BlockAnswer.Ignore;
            case SeederQuirk.CorruptBlocks:
                block.Span[request.Length / 2] ^= 0x5A;
                break;
            case SeederQuirk.DisconnectMidPiece when ++_served > Blocks.CountIn(pieceLength) / 2:
                throw new EndOfStreamException("(test seeder) leaving in the middle of a piece");
            case SeederQuirk.Slow:
                await Task.Delay(2, ct);
                break;
        }
        return BlockAnswer.Send;
    }
}
