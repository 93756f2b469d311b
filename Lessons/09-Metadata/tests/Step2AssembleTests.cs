using MeTorrent.Download.Metadata;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Metadata.Lesson.MetadataSample;

namespace MeTorrent.Tests.Metadata.Lesson;

/// <summary>Lesson 09, step 2 (09-metadata.assemble): taking the pieces we asked for, each of its size, in its place; the whole checked against the info hash.</summary>
[Stage(9)]
public class Step2AssembleTests
{
    [Test]
    public void StoresAPieceItAskedFor()
    {
        var assembly = Assembly(null, Honest);
        assembly.NextRequests(Honest, Now);
        var result = assembly.OnData(Honest, 0, Info.Length, Piece(0));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Stored),
            "Step 2 (assemble): a piece we asked this peer for, of the right size, is kept (Stored: more are missing)");
        Assert.That(assembly.Verified, Is.Null, "Step 2 (assemble): one piece of three is not the metadata yet");
    }

    [Test]
    public void VerifiesTheWholeOnceEveryPieceIsIn()
    {
        var assembly = Assembly(null, Honest);
        assembly.NextRequests(Honest, Now);
        assembly.OnData(Honest, 0, Info.Length, Piece(0));
        assembly.OnData(Honest, 1, Info.Length, Piece(1));
        var result = assembly.OnData(Honest, 2, Info.Length, Piece(2));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Verified),
            "Step 2 (assemble): with the last piece in, the pieces put together hash (SHA-1) to the info hash: Verified");
        Assert.That(assembly.Verified, Is.EqualTo(Info), "Step 2 (assemble): Verified holds the info dictionary, every byte, in order");
    }

    [Test]
    public void PutsPiecesThatArriveOutOfOrderInTheirPlace()
    {
        var assembly = Assembly(null, Honest, Third);
        Assert.That(assembly.NextRequests(Honest, Now), Is.Not.Empty);
        assembly.NextRequests(Third, Now);
        const string Rule = "Step 2 (assemble): pieces arrive in any order (2, 0, 1 here): each goes at its index × 16 KiB, not after the one that came before it";
        var outcomes = new[] { 2, 0, 1 }.Select(i => LessonAssert.Valid(() => assembly.OnData(Honest, i, Info.Length, Piece(i)).Outcome, Rule)).ToList();
        Assert.That(outcomes[^1], Is.EqualTo(MetadataOutcome.Verified), Rule);
        Assert.That(assembly.Verified, Is.EqualTo(Info), "Step 2 (assemble): the dictionary is the pieces in index order");
    }

    [Test]
    public void TakesPiecesFromSeveralPeers()
    {
        var assembly = Assembly(null, Honest, Third);
        var fromHonest = assembly.NextRequests(Honest, Now);
        // The Honest peer was asked for every piece (up to MaxRequestsPerPeer); it leaves, and Third is asked instead.
        assembly.OnData(Honest, fromHonest[0], Info.Length, Piece(fromHonest[0]));
        assembly.RemoveSource(Honest);
        var fromThird = assembly.NextRequests(Third, Now);
        MetadataResult last = MetadataResult.Of(MetadataOutcome.Ignored);
        foreach (int i in fromThird)
            last = assembly.OnData(Third, i, Info.Length, Piece(i));
        Assert.That((last.Outcome, assembly.Verified), Is.EqualTo((MetadataOutcome.Verified, Info)),
            "Step 2 (assemble): a piece from one peer and the rest from another make the dictionary: keep each piece as it comes, whoever sent it");
    }

    [Test]
    public void IgnoresAPieceItDidNotAskFor()
    {
        var assembly = Assembly(null, Honest, Third);
        var asked = assembly.NextRequests(Honest, Now);
        Assert.That(asked, Does.Contain(0));
        Assert.That(assembly.OnData(Third, 0, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Ignored),
            "Step 2 (assemble): piece 0 was asked of another peer: a copy from this one is Ignored (unsolicited data is not taken)");
        Assert.That(assembly.OnData(Honest, 7, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Ignored),
            "Step 2 (assemble): piece 7 of a three-piece dictionary was never asked for: Ignored (check the request before you index anything)");
        Assert.That(assembly.OnData(Honest, -1, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Ignored),
            "Step 2 (assemble): a negative piece index is no piece we asked for: Ignored");
    }

    [Test]
    public void RefusesAPieceOfTheWrongSize()
    {
        var assembly = Assembly(null, Honest);
        assembly.NextRequests(Honest, Now);
        var shortPiece = assembly.OnData(Honest, 0, Info.Length, Piece(0).AsSpan(0, 1000));
        Assert.That(shortPiece.Outcome, Is.EqualTo(MetadataOutcome.PeerRefused),
            "Step 2 (assemble): piece 0 is 16,384 bytes: 1,000 bytes is a broken piece, refused (PeerRefused), and the peer that sent it is not asked again");
        Assert.That(shortPiece.Blamed, Is.EqualTo(new[] { Honest }), "Step 2 (assemble): the peer that sent a wrong piece is blamed (Refuse does it)");
        Assert.That(assembly.Excluded, Does.Contain(Honest), "Step 2 (assemble): the peer that sent a wrong piece is excluded");
    }

    [Test]
    public void RefusesAFullSizedLastPiece()
    {
        var assembly = Assembly(null, Honest);
        assembly.NextRequests(Honest, Now);
        assembly.OnData(Honest, 0, Info.Length, Piece(0));
        assembly.OnData(Honest, 1, Info.Length, Piece(1));
        var padded = new byte[PieceLength];
        Piece(2).CopyTo(padded, 0);
        Assert.That(assembly.OnData(Honest, 2, Info.Length, padded).Outcome, Is.EqualTo(MetadataOutcome.PeerRefused),
            "Step 2 (assemble): the last piece is PieceSize(2) = 7,232 bytes: 16 KiB of it (padded) is the wrong size, refused");
        Assert.That(assembly.Verified, Is.Null, "Step 2 (assemble): nothing is verified from a wrong piece");
    }

    [Test]
    public void RefusesAPieceForAnotherTotalSize()
    {
        var assembly = Assembly(null, Honest, Third);
        assembly.NextRequests(Honest, Now);
        Assert.That(assembly.OnData(Honest, 0, Info.Length + 1, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.PeerRefused),
            "Step 2 (assemble): total_size must be the size the peer announced (Size): a piece of another dictionary is refused");
        assembly.NextRequests(Third, Now);
        Assert.That(assembly.OnData(Third, 0, Info.Length + (1L << 32), Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.PeerRefused),
            "Step 2 (assemble): total_size is a long: 4 GiB + 40,000 is not 40,000, though its low 32 bits are (compare longs, do not cast to int)");
    }

    [Test]
    public void KeepsItsOwnCopyOfEachPiece()
    {
        var assembly = Assembly(null, Honest);
        assembly.NextRequests(Honest, Now);
        var buffer = Piece(0);
        assembly.OnData(Honest, 0, Info.Length, buffer);
        Array.Clear(buffer); // the connection reuses its receive buffer for the next message
        assembly.OnData(Honest, 1, Info.Length, Piece(1));
        Assert.That(assembly.OnData(Honest, 2, Info.Length, Piece(2)).Outcome, Is.EqualTo(MetadataOutcome.Verified),
            "Step 2 (assemble): the data is a span of the connection's buffer, reused for the next message: keep a copy (ToArray), not the caller's array");
    }
}
