using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>What a hash result changes: haves to every peer, completion, a failed piece fetched again, bans, a failing disk.</summary>
[Stage(5)]
public class LoopPieceCheckTests : LoopFixture
{
    internal override LoopHarness NewHarness() => new LoopHarness(new EngineOptions { MinQueueDepth = 4, MaxQueueDepth = 4 });

    private (PeerState Seeder, int Piece) FetchOnePiece(bool corrupt = false)
    {
        var seeder = H.JoinUnchokingSeeder();
        var asked = Requests(Take(seeder));
        foreach (var block in asked)
            H.Deliver(seeder, block, corrupt && block.Begin == 0);
        return (seeder, asked[0].Piece);
    }

    [Test]
    public void AGoodPieceIsAnnouncedToEveryPeerThatLacksIt()
    {
        var (seeder, piece) = FetchOnePiece();
        var leecher = H.Join();
        Take(leecher);
        var holder = H.Join();
        H.Receive(holder, MessageId.Have, piece);
        Take(holder);
        Take(seeder);
        H.CheckPieces();
        Assert.That(Take(leecher), Does.Contain(PeerCommand.Have(piece)));
        Assert.That(Take(holder), Does.Not.Contain(PeerCommand.Have(piece)), "a peer that has the piece needs no have");
        Assert.That(Take(seeder), Does.Not.Contain(PeerCommand.Have(piece)));
        Assert.That((H.State.Has(piece), H.Stats.PiecesVerified), Is.EqualTo((true, 1)));
    }

    [Test]
    public void AFailedPieceIsAskedForAgain()
    {
        var (seeder, piece) = FetchOnePiece(corrupt: true);
        Take(seeder);
        H.CheckPieces();
        Assert.That(H.Stats.PiecesFailed, Is.EqualTo(1));
        Assert.That(H.State.Has(piece), Is.False);
        var other = H.Join();
        H.Receive(other, MessageId.Have, piece);
        H.Receive(other, MessageId.Unchoke);
        Assert.That(Requests(Take(other)).Select(b => b.Piece).Distinct(), Is.EqualTo(new[] { piece }),
            "a peer that has only the failed piece is asked for it");
    }

    [Test]
    public void APeerThatSendsTwoBadPiecesIsBannedAndClosed()
    {
        var seeder = H.JoinUnchokingSeeder();
        for (int round = 0; round < 2; round++)
        {
            foreach (var block in Requests(Take(seeder)))
                H.Deliver(seeder, block, corrupt: true);
            H.CheckPieces();
        }
        Assert.That(seeder.Record.IsBanned, Is.True);
        Assert.That(Take(seeder).Last().Kind, Is.EqualTo(CommandKind.Close));
        Assert.That(H.Stats.PeersBanned, Is.EqualTo(1));
        Assert.That(H.Loop.Pool.TakeCandidates(10), Is.Empty, "a banned peer is never dialled again");
    }

    [Test]
    public void ADiskThatCannotTakeAPieceEndsTheDownload()
    {
        FetchOnePiece();
        var piece = H.Effects.TakeVerified().Single();
        H.Loop.OnPieceChecked(piece, good: true, new IOException("No space left on device"));
        Assert.That(H.Effects.Failures.Single().Message, Does.Contain("No space left on device"));
        Assert.That(H.State.HaveCount, Is.Zero, "nothing counts as had that is not on disk");
    }

    [Test]
    public void TheLastPieceCompletesTheDownloadOnce()
    {
        var seeder = H.JoinUnchokingSeeder();
        while (!H.State.IsComplete)
        {
            foreach (var block in Requests(Take(seeder)))
                H.Deliver(seeder, block);
            H.CheckPieces();
        }
        Assert.That(H.Effects.CompletedCount, Is.EqualTo(1));
        Assert.That(Take(seeder).Select(c => c.Kind), Does.Contain(CommandKind.NotInterested));
    }
}
