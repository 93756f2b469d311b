using MeTorrent.Download.Choking;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Seeding.Lesson.Candidates;

namespace MeTorrent.Tests.Seeding.Lesson;

/// <summary>Lesson 06, step 4 (06-seeding.optimistic): the optimistic unchoke, rotated every 30 s.</summary>
[Stage(6)]
public class Step4OptimisticTests
{
    private static ChokeCandidate<string>[] FiveFastAndSomeSlow(int slow) =>
        [Candidate("r1", givesUs: 100), Candidate("r2", givesUs: 90), Candidate("r3", givesUs: 80), Candidate("r4", givesUs: 70),
         .. Enumerable.Range(0, slow).Select(i => Candidate($"s{i}", givesUs: 1))];

    [Test]
    public void OneMorePeerIsUnchokedBesidesTheRegularSlots()
    {
        var decision = NewChoker().Rechoke(FiveFastAndSomeSlow(3), Seconds(0), seeding: false);
        Assert.That(decision.Regular, Is.EqualTo(new[] { "r1", "r2", "r3", "r4" }));
        Assert.That(decision.HasOptimistic, Is.True, "optimistic unchoke: one peer beyond the 4 regular slots is unchoked whatever its rate");
        Assert.That(decision.Optimistic, Is.AnyOf("s0", "s1", "s2"), "optimistic unchoke: it is one of the peers without a regular slot");
        Assert.That(decision.Unchoked, Has.Count.EqualTo(5));
    }

    [Test]
    public void OnlyAnInterestedPeerIsUnchokedOptimistically()
    {
        ChokeCandidate<string>[] peers = [.. FiveFastAndSomeSlow(0), Candidate("bored", interested: false)];
        var decision = NewChoker().Rechoke(peers, Seconds(0), seeding: false);
        Assert.That(decision.HasOptimistic, Is.False, "optimistic unchoke: the only peer outside the regular slots is not interested");
    }

    [Test]
    public void TheOptimisticPeerStaysForThirtySeconds()
    {
        var choker = NewChoker();
        var peers = FiveFastAndSomeSlow(6);
        string first = choker.Rechoke(peers, Seconds(0), seeding: false).Optimistic!;
        foreach (int t in new[] { 10, 20, 29 })
            Assert.That(choker.Rechoke(peers, Seconds(t), seeding: false).Optimistic, Is.EqualTo(first),
                $"rotation: at {t} s the optimistic peer chosen at 0 s keeps its slot (it rotates every 30 s)");
    }

    [Test]
    public void TheOptimisticPeerRotatesAfterThirtySeconds()
    {
        var choker = NewChoker();
        var peers = FiveFastAndSomeSlow(6);
        string previous = choker.Rechoke(peers, Seconds(0), seeding: false).Optimistic!;
        for (int t = 30; t <= 300; t += 30)
        {
            string next = choker.Rechoke(peers, Seconds(t), seeding: false).Optimistic!;
            Assert.That(next, Is.Not.EqualTo(previous), $"rotation: at {t} s the 30 s of {previous} are up; another peer gets the optimistic slot");
            previous = next;
        }
    }

    [Test]
    public void EveryoneGetsATurnOverTime()
    {
        var choker = NewChoker();
        var peers = FiveFastAndSomeSlow(4);
        var served = new HashSet<string>();
        for (int t = 0; t <= 3600; t += 10)
            served.Add(choker.Rechoke(peers, Seconds(t), seeding: false).Optimistic!);
        Assert.That(served, Is.EquivalentTo(new[] { "s0", "s1", "s2", "s3" }), "rotation: in an hour every slow peer was unchoked optimistically (nobody starves)");
    }

    [Test]
    public void ADepartedOptimisticPeerIsReplacedAtOnce()
    {
        var choker = NewChoker();
        string first = choker.Rechoke(FiveFastAndSomeSlow(3), Seconds(0), seeding: false).Optimistic!;
        var without = FiveFastAndSomeSlow(3).Where(p => p.Peer != first).ToArray();
        var next = choker.Rechoke(without, Seconds(10), seeding: false);
        Assert.That(next.HasOptimistic, Is.True, "rotation: the optimistic peer left; another takes the slot without waiting 30 s");
        Assert.That(next.Optimistic, Is.Not.EqualTo(first));
    }

    [Test]
    public void AnOptimisticPeerThatLosesInterestIsReplaced()
    {
        var choker = NewChoker();
        string first = choker.Rechoke(FiveFastAndSomeSlow(3), Seconds(0), seeding: false).Optimistic!;
        var bored = FiveFastAndSomeSlow(3).Select(p => p.Peer == first ? p with { Interested = false } : p).ToArray();
        Assert.That(choker.Rechoke(bored, Seconds(10), seeding: false).Optimistic, Is.Not.EqualTo(first),
            "interest: an optimistic peer that is no longer interested gives its slot to another at once");
    }

    [Test]
    public void AnOptimisticPeerThatEarnsARegularSlotLeavesTheOptimisticOneToAnother()
    {
        var choker = NewChoker();
        var peers = FiveFastAndSomeSlow(3);
        string lucky = choker.Rechoke(peers, Seconds(0), seeding: false).Optimistic!;
        var promoted = peers.Select(p => p.Peer == lucky ? p with { DownloadRate = 1000 } : p).ToArray();
        var next = choker.Rechoke(promoted, Seconds(10), seeding: false);
        Assert.That(next.Regular, Does.Contain(lucky), "tit-for-tat: it gave us the most, so it earned a regular slot");
        Assert.That(next.HasOptimistic && next.Optimistic != lucky, Is.True, "the optimistic slot goes to someone else (one peer never holds two slots)");
    }

    [Test]
    public void TheOnlyCandidateKeepsTheSlotWhenItRotates()
    {
        var choker = NewChoker();
        ChokeCandidate<string>[] peers = [.. FiveFastAndSomeSlow(1)];
        Assert.That(choker.Rechoke(peers, Seconds(0), seeding: false).Optimistic, Is.EqualTo("s0"));
        Assert.That(choker.Rechoke(peers, Seconds(30), seeding: false).Optimistic, Is.EqualTo("s0"),
            "rotation: nobody else is eligible, so the same peer is drawn again rather than nobody");
    }

    [Test]
    public void NewPeersAreThreeTimesAsLikelyToBeDrawn()
    {
        // One new peer among four old ones: weights 3,1,1,1,1, so the new one should win 3/7 of the draws.
        var optimistic = new OptimisticUnchoke<string>(new ChokerSettings(), new Random(2024));
        ChokeCandidate<string>[] pool =
            [Candidate("new", connectedSeconds: 20), Candidate("o1"), Candidate("o2"), Candidate("o3"), Candidate("o4")];
        const int draws = 7000;
        int won = Enumerable.Range(0, draws).Count(_ => optimistic.Draw(pool) == "new");
        // Binomial(7000, 3/7): mean 3000, standard deviation ~41; 3000 ± 200 is about five deviations.
        Assert.That(won, Is.InRange(2800, 3200),
            $"new peers (connected < 60 s) are 3 times as likely: expected ~3000 of {draws} draws (3/7), got {won}");
        int old = Enumerable.Range(0, draws).Count(_ => optimistic.Draw(pool) == "o1");
        Assert.That(old, Is.InRange(850, 1150), $"an old peer weighs 1 of 7: expected ~1000 of {draws}, got {old}");
    }

    [Test]
    public void APeerIsNewForItsFirstMinuteOnly()
    {
        var optimistic = new OptimisticUnchoke<string>(new ChokerSettings(), new Random(99));
        ChokeCandidate<string>[] pool = [Candidate("aged", connectedSeconds: 60), Candidate("old")];
        int won = Enumerable.Range(0, 4000).Count(_ => optimistic.Draw(pool) == "aged");
        Assert.That(won, Is.InRange(1800, 2200), $"connected for exactly 60 s is no longer new: an even draw expected (~2000 of 4000), got {won}");
    }

    [Test]
    public void TheWeightComesFromTheSettings()
    {
        var optimistic = new OptimisticUnchoke<string>(new ChokerSettings { NewPeerWeight = 9, NewPeerAge = Seconds(5) }, new Random(5));
        ChokeCandidate<string>[] pool = [Candidate("new", connectedSeconds: 1), Candidate("old", connectedSeconds: 6)];
        int won = Enumerable.Range(0, 5000).Count(_ => optimistic.Draw(pool) == "new");
        Assert.That(won, Is.InRange(4300, 4700), $"settings say weight 9 under 5 s: expected ~4500 of 5000 (9/10), got {won}");
    }
}
