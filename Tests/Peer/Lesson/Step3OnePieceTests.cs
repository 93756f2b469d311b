using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.Lesson.LessonPeer;

namespace MeTorrent.Tests.Peer.Lesson;

/// <summary>Lesson 04, step 3 (04-peer.one-piece): download and check one piece.</summary>
[Stage(4)]
public class Step3OnePieceTests
{
    private const int PieceLength = 64 * 1024;

    [Test]
    public void CutsAPieceIntoBlocks()
    {
        Assert.That(PieceDownloader.BlocksOf(2, 40000), Is.EqualTo(new[]
        {
            new BlockRequest(2, 0, 16384), new BlockRequest(2, 16384, 16384), new BlockRequest(2, 32768, 7232),
        }), "blocks of 16 KiB (WireLimits.BlockLength); the last takes what is left: 40000 - 32768 = 7232");
    }

    [Test]
    public async Task DownloadsOnePiece()
    {
        byte[] content = Content(3 * PieceLength);
        await using var peer = new FakePeer(InfoHashBytes, FakePeer.Seed(content, PieceLength));
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        var piece = new byte[PieceLength];
        await new PieceDownloader().DownloadAsync(connection, 1, PieceLength, PieceSha1(content, PieceLength, 1), piece, Timeout());
        Assert.That(piece, Is.EqualTo(content[PieceLength..(2 * PieceLength)]), "piece 1 is bytes 65536..131071 of the content, each block copied to its offset");
        Assert.That(peer.Received.Any(m => m.Id == 2), Is.True, "we told the peer we are interested (id 2), or it would never unchoke us");
    }

    [Test]
    public async Task DownloadsAShortLastPiece()
    {
        byte[] content = Content(PieceLength + 20000);
        await using var peer = new FakePeer(InfoHashBytes, FakePeer.Seed(content, PieceLength));
        await using var connection = await ConnectAsync(peer, pieceCount: 2, Timeout());
        var piece = new byte[20000];
        await new PieceDownloader().DownloadAsync(connection, 1, 20000, PieceSha1(content, PieceLength, 1), piece, Timeout());
        Assert.That(piece, Is.EqualTo(content[PieceLength..]), "the last piece is 20000 bytes: two blocks, the second 3616 bytes long");
    }

    [Test]
    public async Task KeepsSeveralRequestsInFlight()
    {
        byte[] content = Content(PieceLength);
        // The peer answers nothing until four requests are waiting: a client that waits for each block
        // before asking for the next one never gets an answer.
        await using var peer = new FakePeer(InfoHashBytes, FakePeer.Seed(content, PieceLength, holdUntil: 4));
        await using var connection = await ConnectAsync(peer, pieceCount: 1, Timeout());
        var piece = new byte[PieceLength];
        Assert.That(async () => await new PieceDownloader().DownloadAsync(connection, 0, PieceLength, PieceSha1(content, PieceLength, 0), piece, Timeout()),
            Throws.Nothing, "pipelining: send several requests before the first block arrives (PipelineDepth of them), or a download crawls at one block per round trip");
    }

    [Test]
    public async Task RejectsAPieceThatFailsItsHash()
    {
        byte[] content = Content(2 * PieceLength);
        await using var peer = new FakePeer(InfoHashBytes, FakePeer.Seed(content, PieceLength, corrupt: true));
        await using var connection = await ConnectAsync(peer, pieceCount: 2, Timeout());
        var piece = new byte[PieceLength];
        Assert.That(async () => await new PieceDownloader().DownloadAsync(connection, 0, PieceLength, PieceSha1(content, PieceLength, 0), piece, Timeout()),
            Throws.TypeOf<PeerProtocolException>(), "the blocks were corrupted: SHA-1 of the piece differs from the torrent's hash, so throw a PeerProtocolException");
    }
}
