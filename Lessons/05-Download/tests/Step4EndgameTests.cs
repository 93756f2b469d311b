using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Metainfo.Lesson;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Lesson.LessonDownload;
using static MeTorrent.Tests.Download.Lesson.LessonLoop;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>Lesson 05, step 4 (05-download.endgame): the last blocks asked of two peers, the slower one cancelled; whole files.</summary>
[Stage(5)]
public class Step4EndgameTests
{
    /// <summary>Two pieces, all 8 blocks asked of a; then b unchokes us.</summary>
    private static (LessonLoop Loop, PeerState A, PeerState B, List<BlockRequest> Asked) AllAskedOfOnePeer()
    {
        var h = new LessonLoop(pieces: 2, inFlight: 4);
        var a = h.Join();
        h.Unchoke(a);
        var asked = Requests(Take(a));
        var b = h.Join();
        h.Unchoke(b);
        return (h, a, b, asked);
    }

    [Test]
    public void InEndgameTheLastBlocksAreAskedOfASecondPeer()
    {
        var (h, _, b, asked) = AllAskedOfOnePeer();
        Assert.That(h.State.InEndgame, Is.True, "every piece is started and every block asked of someone: endgame");
        Assert.That(Requests(Take(b)), Is.EquivalentTo(asked),
            "endgame: nothing is left to start, so the second peer is asked for the blocks still missing too — the download no longer " +
            "waits on the slowest peer's last blocks (TakeDuplicates)");
    }

    [Test]
    public void NoBlockIsAskedOfMoreThanTwoPeers()
    {
        var (h, _, b, _) = AllAskedOfOnePeer();
        Take(b);
        var c = h.Join();
        h.Unchoke(c);
        Assert.That(Requests(Take(c)), Is.Empty,
            $"every missing block is already asked of {DownloadState.MaxEndgameRequesters} peers (MaxEndgameRequesters): a third would only waste upload");
    }

    [Test]
    public void TheSlowerPeerHearsACancel()
    {
        var (h, a, b, asked) = AllAskedOfOnePeer();
        Take(b);
        var first = asked[0];
        h.Deliver(b, first);
        Assert.That(Cancels(Take(a)), Is.EqualTo(new[] { first }),
            $"block {Show([first])} came from the second peer first: the first peer, asked for it too, gets a cancel (BEP 3: endgame is what cancel is for)");
        Assert.That(a.Requests.Outstanding.ContainsKey(first), Is.False, "the cancelled block is no longer owed by the first peer (its ledger lets go of it)");
        h.Deliver(a, first);
        Assert.That(a.IsClosed, Is.False, "its late answer crossed our cancel: dropped, not an offence (BEP 6)");
    }

    [Test]
    public async Task DownloadsAWholeFileFromOnePeer()
    {
        byte[] content = LessonTorrent.Content(10 * LessonDownload.PieceLength + 1234);
        var torrent = SampleTorrent(content);
        await using var seeder = Seeder(torrent, content, holdUntil: 8);
        byte[] downloaded = await DownloadAsync(torrent, seeder.EndPoint);
        Assert.That(downloaded, Is.EqualTo(content),
            "the whole file, every piece checked and written at its offset; the seeder answers only once 8 requests are waiting (pipelining)");
    }

    [Test]
    public async Task DownloadsAWholeFileFromThreePeers()
    {
        byte[] content = LessonTorrent.Content(12 * LessonDownload.PieceLength + 777);
        var torrent = SampleTorrent(content);
        // Nobody has everything: pieces 0-5, 4-9 and 8-12.
        await using var first = Seeder(torrent, content, has: i => i <= 5);
        await using var second = Seeder(torrent, content, has: i => i is >= 4 and <= 9);
        await using var third = Seeder(torrent, content, has: i => i >= 8);
        byte[] downloaded = await DownloadAsync(torrent, first.EndPoint, second.EndPoint, third.EndPoint);
        Assert.That(downloaded, Is.EqualTo(content), "every piece from a peer that has it: the file only exists across all three");
    }
}
