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
    // LESSON 04-peer.one-piece: interested, wait for unchoke, keep PipelineDepth block requests in flight,
    // copy each block to its place, re-request what a choke or reject dropped, then check the SHA-1.
    public async Task DownloadAsync(PeerConnection peer, int index, int length, ReadOnlyMemory<byte> expectedSha1,
        Memory<byte> destination, CancellationToken ct)
    {
        // STUB: throw new NotImplementedException("Lesson 04 step 3 (one piece): interested, wait for the unchoke, keep several 16 KiB requests in flight, put each block in its place, ask again for blocks that will not come, then check the piece's SHA-1. Stuck? Lessons/04-Peer/HINTS.md");
        // BEGIN SOLUTION
        if (destination.Length < length)
            throw new ArgumentException("destination is shorter than the piece", nameof(destination));
        var waiting = new Queue<BlockRequest>(BlocksOf(index, length)); // not yet requested
        var inFlight = new HashSet<BlockRequest>();
        var batch = new List<BlockRequest>(PipelineDepth);
        int received = 0, blockCount = waiting.Count;

        if (!peer.AmInterested)
            await peer.SendInterestedAsync(ct);
        while (received < blockCount)
        {
            if (!peer.PeerChoking)
            {
                if (!peer.PeerPieces[index])
                    throw new PeerProtocolException($"peer {peer.RemoteEndPoint} does not have piece {index}");
                batch.Clear();
                while (inFlight.Count < PipelineDepth && waiting.TryDequeue(out var block))
                {
                    inFlight.Add(block);
                    batch.Add(block);
                }
                await peer.SendRequestsAsync(batch, ct);
            }

            var message = await peer.ReceiveAsync(ct);
            switch (message.Id)
            {
                case MessageId.Piece when message.Index == index:
                    var block = new BlockRequest(message.Index, message.Begin, message.Length);
                    if (inFlight.Remove(block))
                    {
                        message.Payload.CopyTo(destination[message.Begin..]);
                        received++;
                    }
                    break;
                case MessageId.Reject when message.Index == index:
                    var rejected = new BlockRequest(message.Index, message.Begin, message.Length);
                    if (inFlight.Remove(rejected))
                        waiting.Enqueue(rejected);
                    break;
                case MessageId.Choke when !peer.SupportsFast:
                    // Without BEP 6 a choke silently discards our requests: ask again after the next unchoke.
                    foreach (var dropped in inFlight)
                        waiting.Enqueue(dropped);
                    inFlight.Clear();
                    break;
            }
        }

        Span<byte> actual = stackalloc byte[20];
        SHA1.HashData(destination.Span[..length], actual);
        if (!actual.SequenceEqual(expectedSha1.Span))
            throw new PeerProtocolException($"piece {index} from {peer.RemoteEndPoint} failed its SHA-1 check");
        // END SOLUTION
    }

    /// <summary>The 16 KiB blocks of a piece; the last one may be shorter.</summary>
    // LESSON 04-peer.one-piece: a piece is fetched in blocks of 16 KiB (WireLimits.BlockLength); the last may be shorter.
    public static IEnumerable<BlockRequest> BlocksOf(int index, int length)
    {
        // STUB: throw new NotImplementedException("Lesson 04 step 3 (one piece): a piece is requested in blocks of 16 KiB; the last block may be shorter. Stuck? Lessons/04-Peer/HINTS.md");
        // BEGIN SOLUTION
        for (int begin = 0; begin < length; begin += WireLimits.BlockLength)
            yield return new BlockRequest(index, begin, Math.Min(WireLimits.BlockLength, length - begin));
        // END SOLUTION
    }
}
