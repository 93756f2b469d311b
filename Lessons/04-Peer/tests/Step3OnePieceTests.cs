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
        await DownloadValidAsync(connection, 1, PieceLength, PieceSha1(content, PieceLength, 1), piece, "an honest peer that has every piece unchokes us and answers every request");
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
        await DownloadValidAsync(connection, 1, 20000, PieceSha1(content, PieceLength, 1), piece, "the last piece is 20000 bytes: blocks of 16384 and 3616");
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
    public async Task WaitsForTheUnchokeBeforeRequesting()
    {
        byte[] content = Content(PieceLength);
        int requestsWhileChoked = 0;
        await using var peer = new FakePeer(InfoHashBytes, async (self, stream, ct) =>
        {
            await stream.WriteAsync(FakePeer.Message(5, 0b1000_0000), ct); // bitfield: piece 0; no unchoke yet
            while (await self.ReadMessageAsync(stream, ct) is { Id: not 2 } early)
                if (early.Id == 6) requestsWhileChoked++;
            await Task.Delay(300, ct); // interested: let any early request arrive, then unchoke
            requestsWhileChoked += (await self.DrainAsync(stream, ct)).Count(m => m.Id == 6);
            await stream.WriteAsync(FakePeer.Message(1), ct);
            while (await self.ReadMessageAsync(stream, ct) is { } message)
                if (message.Id == 6)
                    await FakePeer.AnswerAsync(stream, content, PieceLength, message.Payload, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 1, Timeout());
        var download = Outcome(new PieceDownloader().DownloadAsync(connection, 0, PieceLength, PieceSha1(content, PieceLength, 0), new byte[PieceLength], ShortTimeout()));
        string outcome = await download;
        Assert.That(requestsWhileChoked, Is.Zero,
            "BEP 3: \"connections start out choked\", and a choked peer drops requests. Send interested, then wait for the unchoke " +
            "(peer.PeerChoking is false) before the first request");
        Assert.That(outcome, Is.EqualTo("done"), "after the unchoke the peer answers every request");
    }

    [Test]
    public async Task RequestsRejectedBlocksAgain()
    {
        byte[] content = Content(PieceLength);
        await using var peer = new FakePeer(InfoHashBytes, async (self, stream, ct) =>
        {
            await stream.WriteAsync(FakePeer.Message(5, 0b1000_0000), ct);
            await stream.WriteAsync(FakePeer.Message(1), ct);
            bool rejected = false;
            while (await self.ReadMessageAsync(stream, ct) is { } message)
            {
                if (message.Id != 6)
                    continue;
                if (!rejected)
                {
                    rejected = true; // BEP 6: "reject request", id 16, with the request's index, begin and length
                    await stream.WriteAsync(FakePeer.Message(16, message.Payload), ct);
                }
                else
                    await FakePeer.AnswerAsync(stream, content, PieceLength, message.Payload, ct);
            }
        }, fast: true);
        await using var connection = await ConnectFastAsync(peer, pieceCount: 1, Timeout());
        string outcome = await Outcome(new PieceDownloader().DownloadAsync(connection, 0, PieceLength, PieceSha1(content, PieceLength, 0), new byte[PieceLength], ShortTimeout()));
        Assert.That(outcome, Is.EqualTo("done"),
            "the peer rejected the first block (BEP 6 reject, id 16) and answers every other request: a rejected block is not coming, " +
            "so put it back among the blocks to request and ask again");
    }

    [Test]
    public async Task RequestsBlocksAChokeDroppedAgain()
    {
        byte[] content = Content(PieceLength);
        await using var peer = new FakePeer(InfoHashBytes, async (self, stream, ct) =>
        {
            await stream.WriteAsync(FakePeer.Message(5, 0b1000_0000), ct);
            await stream.WriteAsync(FakePeer.Message(1), ct);
            while (await self.ReadMessageAsync(stream, ct) is { Id: not 6 }) { }
            await stream.WriteAsync(FakePeer.Message(0), ct); // choke: every pending request is dropped (BEP 3, no fast extension)
            await Task.Delay(300, ct);
            await self.DrainAsync(stream, ct);                // the rest of the first requests: dropped too
            await stream.WriteAsync(FakePeer.Message(1), ct); // unchoke
            while (await self.ReadMessageAsync(stream, ct) is { } message)
                if (message.Id == 6)
                    await FakePeer.AnswerAsync(stream, content, PieceLength, message.Payload, ct);
        });
        await using var connection = await ConnectAsync(peer, pieceCount: 1, Timeout());
        string outcome = await Outcome(new PieceDownloader().DownloadAsync(connection, 0, PieceLength, PieceSha1(content, PieceLength, 0), new byte[PieceLength], ShortTimeout()));
        Assert.That(outcome, Is.EqualTo("done"),
            "the peer choked us after our first requests, then unchoked us: without the fast extension a choke drops every pending " +
            "request (BEP 3), so after the unchoke request again every block that had not arrived");
    }

    [Test]
    public async Task RefusesAPieceThePeerDoesNotHave()
    {
        byte[] content = Content(3 * PieceLength);
        await using var peer = new FakePeer(InfoHashBytes, FakePeer.Seed(content, PieceLength, has: i => i != 1));
        await using var connection = await ConnectAsync(peer, pieceCount: 3, Timeout());
        Assert.That(async () => await new PieceDownloader().DownloadAsync(connection, 1, PieceLength, PieceSha1(content, PieceLength, 1), new byte[PieceLength], ShortTimeout()),
            Throws.TypeOf<PeerProtocolException>(),
            "the peer's bitfield leaves out piece 1, so it will never send it: check peer.PeerPieces[index] and throw a " +
            "PeerProtocolException instead of waiting for ever");
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

    private static Task DownloadValidAsync(PeerConnection connection, int index, int length, byte[] sha1, byte[] piece, string what) =>
        MeTorrent.Tests.Support.LessonAssert.ValidAsync(
            () => new PieceDownloader().DownloadAsync(connection, index, length, sha1, piece, Timeout()),
            $"Step 3 (one piece): {what}.");

    /// <summary>"done", or what stopped the download: "no answer in 3 s" (it waited for a block that was not coming) or the exception.</summary>
    private static async Task<string> Outcome(Task download)
    {
        try
        {
            await download;
            return "done";
        }
        catch (OperationCanceledException)
        {
            return "no answer in 3 s: the download waited for blocks that were never coming";
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
