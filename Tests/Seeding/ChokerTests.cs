using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Seeding.Lesson.Candidates;

namespace MeTorrent.Tests.Seeding;

/// <summary>The choker's rounds beyond what lesson 06 asks: a round in which nobody is interested.</summary>
[Stage(6)]
public class ChokerTests
{
    [Test]
    public void ARoundWithNobodyInterestedEndsTheOptimisticTurn()
    {
        var choker = NewChoker(slots: 1);
        string[] names = ["fast", "slow1", "slow2"];
        var interested = names.Select((n, i) => Candidate(n, givesUs: i == 0 ? 100 : 1)).ToArray();
        var bored = names.Select(n => Candidate(n, interested: false)).ToArray();

        Assert.That(choker.Rechoke(interested, Seconds(0), seeding: false).HasOptimistic, Is.True);
        var idle = choker.Rechoke(bored, Seconds(10), seeding: false);
        Assert.That(idle.Unchoked, Is.Empty, "nobody is interested: nobody is unchoked");

        // A fresh turn from 20 s: still the same holder at 40 s. (Had the turn begun at 0 s survived the idle
        // round, it would end at 30 s and the slot would pass to the other slow peer.)
        string again = choker.Rechoke(interested, Seconds(20), seeding: false).Optimistic!;
        Assert.That(choker.Rechoke(interested, Seconds(40), seeding: false).Optimistic, Is.EqualTo(again),
            "the turn drawn at 20 s lasts 30 s from then");
    }
}
