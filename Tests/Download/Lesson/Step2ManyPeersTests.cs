using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Metainfo.Lesson;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Lesson.LessonDownload;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>Lesson 05, step 2 (05-download.many-peers): which piece to fetch from whom; a file from several peers.</summary>
[Stage(5)]
public class Step2ManyPeersTests
{
    private static readonly PeerRecord Someone = new(IPEndPoint.Parse("127.0.0.1:6881"));

    private static Bitfield Pieces(int count, params int[] set)
    {
        var bits = new Bitfield(count);
        foreach (int i in set)
            bits[i] = true;
        return bits;
    }

    private static Bitfield All(int count)
    {
        var bits = new Bitfield(count);
        bits.SetAll();
        return bits;
    }

    /// <summary>10 pieces; pieces 0-3 already started, so random-first is over. Availability: 7 is the rarest.</summary>
    private static PiecePicker PickerPastRandomFirst()
    {
        var picker = new PiecePicker(new Bitfield(10), new Random(7));
        picker.PeerHasAll(All(10));
        picker.PeerHasAll(Pieces(10, 0, 1, 2, 3, 4, 5, 6, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 6, 8, 9));
        picker.PeerHasAll(Pieces(10, 4, 5, 8));
        for (int i = 0; i < PiecePicker.RandomFirstPieces; i++)
            picker.SetStatus(i, PieceStatus.InFlight);
        return picker;
    }

    [Test]
    public void PicksTheRarestPiece()
    {
        Assert.That(PickerPastRandomFirst().PickNew(All(10), Someone), Is.EqualTo(7),
            "piece 7 is held by 1 peer, every other missing piece by 3 or 4: rarest first, so rare data spreads before its holder leaves");
    }

    [Test]
    public void PicksOnlyPiecesThePeerHas()
    {
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 6, 9), Someone), Is.EqualTo(6).Or.EqualTo(9),
            "this peer has only pieces 6 and 9: never pick a piece it cannot send");
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 4, 9), Someone), Is.EqualTo(9),
            "of 4 (held by 4 peers) and 9 (held by 3), 9 is rarer");
    }

    [Test]
    public void SkipsPiecesAlreadyStarted()
    {
        Assert.That(PickerPastRandomFirst().PickNew(Pieces(10, 0, 1, 2, 3), Someone), Is.EqualTo(-1),
            "pieces 0-3 are in flight already: nothing new to pick from this peer, return -1");
    }

    [Test]
    public void StartsWithRandomPieces()
    {
        var firsts = new HashSet<int>();
        for (int seed = 0; seed < 20; seed++)
        {
            var picker = new PiecePicker(new Bitfield(10), new Random(seed));
            picker.PeerHasAll(All(10));
            picker.PeerHas(3); // piece 3 is the most common, 0-2 and 4-9 tie
            firsts.Add(picker.PickNew(All(10), Someone));
        }
        Assert.That(firsts.Count, Is.GreaterThan(3),
            "the first pieces are picked at random (BEP 3 random first), so that peers starting together fetch different pieces");
    }

    [Test]
    public async Task DownloadsAWholeFileFromThreePeers()
    {
        byte[] content = LessonTorrent.Content(12 * PieceLength + 777);
        var torrent = SampleTorrent(content);
        // Nobody has everything: pieces 0-5, 4-9 and 8-12.
        await using var first = Seeder(torrent, content, has: i => i <= 5);
        await using var second = Seeder(torrent, content, has: i => i is >= 4 and <= 9);
        await using var third = Seeder(torrent, content, has: i => i >= 8);
        byte[] downloaded = await DownloadAsync(torrent, first.EndPoint, second.EndPoint, third.EndPoint);
        Assert.That(downloaded, Is.EqualTo(content), "every piece from a peer that has it: the file only exists across all three");
    }
}
