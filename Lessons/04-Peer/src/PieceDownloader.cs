// Lesson 04-Peer: generated from Peer/PieceDownloader.cs by Lessons/tools. Your file: do the TODOs.
using System.Security.Cryptography;

namespace MeTorrent.Peer;

/// <summary>
/// Fetches one whole piece from one peer, the simplest way that is still fast: say we are interested,
/// wait to be unchoked, keep <see cref="PipelineDepth"/> 16 KiB requests in flight, copy each block into
/// place, then check the piece's SHA-1. The download engine does the same across many peers and pieces.
/// </summary>
public sealed class PieceDownloader
{
    /// <summary>Requests kept in flight: enough to cover the round trip so the peer never waits for us.</summary>
    public int PipelineDepth { get; init; } = 8;

    /// <summary>
    /// Downloads piece <paramref name="index"/> of <paramref name="length"/> bytes into <paramref name="destination"/>
    /// and checks it against <paramref name="expectedSha1"/>. Throws PeerProtocolException if the peer lacks the
    /// piece or sends data that fails the check; the connection should then be dropped.
    /// </summary>
    // TODO(04-peer.one-piece): interested, wait for unchoke, keep PipelineDepth block requests in flight,
    // copy each block to its place, re-request what a choke or reject dropped, then check the SHA-1.
    public async Task DownloadAsync(PeerConnection peer, int index, int length, ReadOnlyMemory<byte> expectedSha1,
        Memory<byte> destination, CancellationToken ct)
    {
        throw new NotImplementedException("Lesson 04 step 3 (one piece): interested, wait for the unchoke, keep several 16 KiB requests in flight, put each block in its place, ask again for blocks that will not come, then check the piece's SHA-1. Stuck? Lessons/04-Peer/HINTS.md");
    }

    /// <summary>The 16 KiB blocks of a piece; the last one may be shorter.</summary>
    // TODO(04-peer.one-piece): a piece is fetched in blocks of 16 KiB (WireLimits.BlockLength); the last may be shorter.
    public static IEnumerable<BlockRequest> BlocksOf(int index, int length)
    {
        throw new NotImplementedException("Lesson 04 step 3 (one piece): a piece is requested in blocks of 16 KiB; the last block may be shorter. Stuck? Lessons/04-Peer/HINTS.md");
    }
}
