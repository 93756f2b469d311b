using MeTorrent.Download.Metadata;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Metadata.Lesson.MetadataSample;

namespace MeTorrent.Tests.Metadata.Lesson;

/// <summary>Lesson 09, step 3 (09-metadata.mismatch): metadata whose SHA-1 is not the info hash: thrown away, its sender blamed, started over.</summary>
[Stage(9)]
public class Step3MismatchTests
{
    /// <summary>Every piece asked of <paramref name="peer"/> is answered from <paramref name="info"/>; the last result.</summary>
    private static MetadataResult Answer(MetadataAssembly assembly, System.Net.IPEndPoint peer, byte[] info)
    {
        MetadataResult last = MetadataResult.Of(MetadataOutcome.Ignored);
        for (var asked = assembly.NextRequests(peer, Now); asked.Count > 0 && last.Outcome is not (MetadataOutcome.Verified or MetadataOutcome.HashMismatch); asked = assembly.NextRequests(peer, Now))
            foreach (int i in asked)
                last = assembly.OnData(peer, i, info.Length, Piece(i, info));
        return last;
    }

    [Test]
    public void DoesNotVerifyMetadataWithTheWrongHash()
    {
        var assembly = Assembly(null, Liar);
        var result = Answer(assembly, Liar, Forged());
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.HashMismatch),
            "Step 3 (mismatch): every piece came, of the right sizes, but one bit differs: the SHA-1 is not the info hash, a HashMismatch");
        Assert.That(assembly.Verified, Is.Null, "Step 3 (mismatch): metadata whose SHA-1 is not the info hash is never Verified: it would be a different torrent");
    }

    [Test]
    public void BlamesTheOnePeerThatSentItAll()
    {
        var assembly = Assembly(null, Liar, Honest);
        var result = Answer(assembly, Liar, Forged());
        Assert.That(result.Blamed, Is.EqualTo(new[] { Liar }),
            "Step 3 (mismatch): one peer sent every piece of the wrong metadata: that peer is the liar, blamed (the caller disconnects it)");
        Assert.That(assembly.Excluded, Does.Contain(Liar), "Step 3 (mismatch): the liar is excluded: never asked again");
        Assert.That(assembly.Excluded, Does.Not.Contain(Honest), "Step 3 (mismatch): a peer that sent nothing is not blamed");
    }

    [Test]
    public void StartsOverAndCompletesFromAnHonestPeer()
    {
        var assembly = Assembly(null, Liar, Honest);
        Answer(assembly, Liar, Forged());
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }),
            "Step 3 (mismatch): the wrong metadata is thrown away, every piece of it: the next peer is asked for all of them again (Reset)");
        foreach (int i in new[] { 0, 1, 2 })
            assembly.OnData(Honest, i, Info.Length, Piece(i));
        Assert.That(assembly.Verified, Is.EqualTo(Info), "Step 3 (mismatch): after the liar, an honest peer's pieces make the metadata, Verified");
    }

    [Test]
    public void WithSeveralSendersBlamesNobodyAndAsksOnePeerAtATime()
    {
        var assembly = Assembly(null, Honest, Liar);
        var forged = Forged();
        var fromHonest = assembly.NextRequests(Honest, Now);   // 0, 1, 2: Honest is asked for everything
        assembly.OnData(Honest, fromHonest[0], Info.Length, Piece(fromHonest[0]));
        assembly.RemoveSource(Honest);                         // Honest leaves; Liar sends pieces 1 and 2
        assembly.AddSource(Honest);
        var fromLiar = assembly.NextRequests(Liar, Now);
        MetadataResult last = MetadataResult.Of(MetadataOutcome.Ignored);
        foreach (int i in fromLiar)
            last = assembly.OnData(Liar, i, Info.Length, Piece(i, forged));
        Assert.That(last.Outcome, Is.EqualTo(MetadataOutcome.HashMismatch), "Step 3 (mismatch): piece 1 is forged: the whole does not hash to the info hash");
        Assert.That(last.Blamed, Is.Empty,
            "Step 3 (mismatch): two peers sent pieces, and the SHA-1 covers the whole: nobody can tell which one lied, so blame nobody (an honest peer would be dropped half the time)");
        Assert.That(assembly.OneSourceAtATime, Is.True,
            "Step 3 (mismatch): after a mismatch from several senders, take every piece from one peer at a time: the next mismatch then names its sender exactly");

        Assert.That(Answer(assembly, Liar, forged).Blamed, Is.EqualTo(new[] { Liar }),
            "Step 3 (mismatch): one peer at a time: the liar, asked alone, sends the wrong metadata again and is blamed this time");
        Assert.That(Answer(assembly, Honest, Info).Outcome, Is.EqualTo(MetadataOutcome.Verified),
            "Step 3 (mismatch): and the honest peer, asked alone, completes it");
    }
}
