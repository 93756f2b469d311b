using MeTorrent.Download.Engine;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.Loop.LoopHarness;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>What a hash result changes: haves to every peer, completion, a failed piece fetched again, bans, a failing disk.</summary>
[Stage(5)]
public class LoopPieceCheckTests
{
    private LoopHarness _h = null!;

    [SetUp]
    public void Start() => _h = new LoopHarness(new EngineOptions { MinQueueDepth = 4, MaxQueueDepth = 4 });

    [TearDown]
    public void Stop() => _h.Dispose();

    private (PeerState Seeder, int Piece) FetchOnePiece(bool corrupt = false)
    {
        var seeder = _h.JoinUnchokingSeeder();
        var asked = Requests(Take(seeder));
        foreach (var block in asked)
            _h.Deliver(seeder, block, corrupt && block.Begin == 0);
        return (seeder, asked[0].Piece);
    }

    [Test]
    public void AGoodPieceIsAnnouncedToEveryPeerThatLacksIt()
    {
        var (seeder, piece) = FetchOnePiece();
        var leecher = _h.Join();
        Take(leecher);
        var holder = _h.Join();
        _h.Receive(holder, MessageId.Have, piece);
        Take(holder);
        Take(seeder);
        _h.CheckPieces();
        Assert.That(Take(leecher), Does.Contain(PeerCommand.Have(piece)));
        Assert.That(Take(holder), Does.Not.Contain(PeerCommand.Have(piece)), "a peer that has the piece needs no have");
        Assert.That(Take(seeder), Does.Not.Contain(PeerCommand.Have(piece)));
        Assert.That((_h.State.Has(piece), _h.Stats.PiecesVerified), Is.EqualTo((true, 1)));
    }

    [Test]
    public void AFailedPieceIsAskedForAgain()
    {
        var (seeder, piece) = FetchOnePiece(corrupt: true);
        Take(seeder);
        _h.CheckPieces();
        Assert.That(_h.Stats.PiecesFailed, Is.EqualTo(1));
        Assert.That(_h.State.Has(piece), Is.False);
        var other = _h.Join();
        _h.Receive(other, MessageId.Have, piece);
        _h.Receive(other, MessageId.Unchoke);
        Assert.That(Requests(Take(other)).Select(b => b.Piece).Distinct(), Is.EqualTo(new[] { piece }),
            "a peer that has only the failed piece is asked for it");
    }

    [Test]
    public void APeerThatSendsTwoBadPiecesIsBannedAndClosed()
    {
        var seeder = _h.JoinUnchokingSeeder();
        for (int round = 0; round < 2; round++)
        {
            foreach (var block in Requests(Take(seeder)))
                _h.Deliver(seeder, block, corrupt: true);
            _h.CheckPieces();
        }
        Assert.That(seeder.Record.IsBanned, Is.True);
        Assert.That(Take(seeder).Last().Kind, Is.EqualTo(CommandKind.Close));
        Assert.That(_h.Stats.PeersBanned, Is.EqualTo(1));
        Assert.That(_h.Loop.Pool.TakeCandidates(10), Is.Empty, "a banned peer is never dialled again");
    }

    [Test]
    public void ADiskThatCannotTakeAPieceEndsTheDownload()
    {
        FetchOnePiece();
        var piece = _h.Effects.TakeVerified().Single();
        _h.Loop.OnPieceChecked(piece, good: true, new IOException("No space left on device"));
        Assert.That(_h.Effects.Failures.Single().Message, Does.Contain("No space left on device"));
        Assert.That(_h.State.HaveCount, Is.Zero, "nothing counts as had that is not on disk");
    }

    [Test]
    public void TheLastPieceCompletesTheDownloadOnce()
    {
        var seeder = _h.JoinUnchokingSeeder();
        while (!_h.State.IsComplete)
        {
            foreach (var block in Requests(Take(seeder)))
                _h.Deliver(seeder, block);
            _h.CheckPieces();
        }
        Assert.That(_h.Effects.CompletedCount, Is.EqualTo(1));
        Assert.That(Take(seeder).Select(c => c.Kind), Does.Contain(CommandKind.NotInterested));
    }
}
