// Lesson 06-Seeding: generated from Download/Seeding/RequestCheck.cs by Lessons/tools. Your file: do the TODOs.
using MeTorrent.Peer;

namespace MeTorrent.Download.Seeding;

/// <summary>
/// Answering requests safely: the checks an uploader makes before it reads a single byte from disk for
/// a peer. BEP 3: blocks are 16 KiB ("All current implementations use 2^14 (16 kiB), and close
/// connections which request an amount greater than that"), a request names a range inside one piece,
/// and a peer we choke gets nothing. Anything else would let a peer make us read or allocate what it
/// likes.
/// </summary>
public static class RequestCheck
{
    // TODO(06-seeding.requests): Disconnect a request no honest client sends (piece outside the torrent, begin < 0, length not 1..16 KiB, range past the piece's end: the last piece is shorter); Reject one we choke or lack the piece of; Serve the rest.
    /// <summary>
    /// The verdict on <paramref name="request"/> for a torrent of <paramref name="totalLength"/> bytes cut
    /// into pieces of <paramref name="pieceLength"/> (the last one shorter), when we
    /// <paramref name="havePiece"/> and <paramref name="amChoking"/> the peer.
    /// </summary>
    public static RequestVerdict Judge(BlockRequest request, long pieceLength, long totalLength, bool havePiece, bool amChoking)
    {
        throw new NotImplementedException("Lesson 06 step 1 (requests): a request no honest client sends (outside the torrent or its piece, not 1..16 KiB) ends the connection; a fair one we choke or lack the piece of is rejected; the rest is served. Stuck? Lessons/06-Seeding/HINTS.md");
    }
}
