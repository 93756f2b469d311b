using MeTorrent.Download.Choking;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Seeding.Lesson.Candidates;

namespace MeTorrent.Tests.Seeding.Lesson;

/// <summary>Lesson 06, step 2 (06-seeding.snubbing): BEP 3's anti-snubbing rule.</summary>
[Stage(6)]
public class Step2SnubbingTests
{
    private static readonly ChokerSettings Bep3 = new();

    [Test]
    public void APeerSilentForAMinuteWhileUnchokingUsSnubsUs() =>
        Assert.That(TitForTat.IsSnubbed(Candidate("a", secondsSinceBlock: 60), Bep3), Is.True,
            "anti-snubbing: it unchokes us and sent no block for 60 s (SnubTimeout): it is snubbing us");

    [Test]
    public void APeerThatSentABlockRecentlyDoesNotSnubUs() =>
        Assert.That(TitForTat.IsSnubbed(Candidate("a", secondsSinceBlock: 59), Bep3), Is.False,
            "anti-snubbing: a block 59 s ago is within the minute (SnubTimeout is 60 s)");

    [Test]
    public void APeerThatChokesUsIsNotSnubbingUs() =>
        Assert.That(TitForTat.IsSnubbed(Candidate("a", secondsSinceBlock: 600, chokesUs: true), Bep3), Is.False,
            "anti-snubbing: a peer that chokes us cannot send blocks; only one that unchokes us and sends nothing snubs us");

    [Test]
    public void TheTimeoutComesFromTheSettings() =>
        Assert.That(TitForTat.IsSnubbed(Candidate("a", secondsSinceBlock: 20), new ChokerSettings { SnubTimeout = Seconds(15) }), Is.True,
            "anti-snubbing: use settings.SnubTimeout (15 s here), not a fixed minute");

    [Test]
    public void ASnubbingPeerLosesItsRegularSlotWhileDownloading()
    {
        var choker = NewChoker(slots: 1);
        var first = choker.Rechoke([Candidate("fast", givesUs: 1000), Candidate("slow", givesUs: 10)], Seconds(0), seeding: false);
        Assert.That(first.Regular, Is.EqualTo(new[] { "fast" }), "the fastest uploader to us wins the one slot");
        var later = choker.Rechoke([Candidate("fast", givesUs: 1000, secondsSinceBlock: 61), Candidate("slow", givesUs: 10)], Seconds(61), seeding: false);
        Assert.That(later.Regular, Is.EqualTo(new[] { "slow" }),
            "anti-snubbing: 'fast' still shows a high average rate but sent nothing for 61 s while unchoking us: it loses its regular slot");
    }

    [Test]
    public void ASnubbingPeerGetsNoRegularSlotEvenWhenSlotsAreFree()
    {
        var decision = NewChoker().Rechoke([Candidate("snub", givesUs: 500, secondsSinceBlock: 120)], Seconds(0), seeding: false);
        Assert.That(decision.Regular, Is.Empty, "anti-snubbing: a snubbing peer is only ever unchoked optimistically");
        Assert.That(decision.Optimistic, Is.EqualTo("snub"), "the optimistic slot may still reach a snubbing peer (its one way back)");
    }

    [Test]
    public void SnubbingDoesNotMatterWhileSeeding()
    {
        var decision = NewChoker().Rechoke([Candidate("a", weGive: 100, secondsSinceBlock: 600)], Seconds(0), seeding: true);
        Assert.That(decision.Regular, Is.EqualTo(new[] { "a" }),
            "anti-snubbing is about peers that give us nothing; a seeder expects nothing, so a silent leecher keeps its slot");
    }
}
