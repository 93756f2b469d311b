using MeTorrent.Download.Choking;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Seeding.Lesson.Candidates;

namespace MeTorrent.Tests.Seeding.Lesson;

/// <summary>Lesson 06, step 3 (06-seeding.rechoke): the regular slots, BEP 3's tit-for-tat.</summary>
[Stage(6)]
public class Step3RechokeTests
{
    private static readonly ChokerSettings Bep3 = new();

    [Test]
    public void GivesTheFourSlotsToTheFastestUploadersToUs()
    {
        ChokeCandidate<string>[] peers =
            [Candidate("p10", givesUs: 10), Candidate("p60", givesUs: 60), Candidate("p30", givesUs: 30), Candidate("p50", givesUs: 50), Candidate("p20", givesUs: 20), Candidate("p40", givesUs: 40)];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string>(), Bep3);
        Assert.That(regular, Is.EqualTo(new[] { "p60", "p50", "p40", "p30" }),
            "tit-for-tat: the 4 regular slots go to the interested peers that upload fastest to us, fastest first");
    }

    [Test]
    public void OnlyInterestedPeersGetASlot()
    {
        ChokeCandidate<string>[] peers = [Candidate("bored", givesUs: 1000, interested: false), Candidate("keen", givesUs: 1)];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string>(), Bep3);
        Assert.That(regular, Is.EqualTo(new[] { "keen" }),
            "interest: a peer that is not interested wants nothing from us; unchoking it wastes a slot, however fast it is");
    }

    [Test]
    public void NoInterestedPeersMeansNoSlots()
    {
        ChokeCandidate<string>[] peers = [Candidate("a", givesUs: 5, interested: false), Candidate("b", interested: false)];
        Assert.That(TitForTat.PickRegular(peers, seeding: false, new HashSet<string>(), Bep3), Is.Empty,
            "interest: nobody is interested, so nobody is unchoked");
        Assert.That(NewChoker().Rechoke(peers, Seconds(0), seeding: false).Unchoked, Is.Empty,
            "interest: the optimistic slot also needs an interested peer");
    }

    [Test]
    public void FewerPeersThanSlotsAllGetOne()
    {
        ChokeCandidate<string>[] peers = [Candidate("a", givesUs: 1), Candidate("b")];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string>(), Bep3);
        Assert.That(regular, Is.EquivalentTo(new[] { "a", "b" }), "2 interested peers and 4 slots: both are unchoked");
    }

    [Test]
    public void TheNumberOfSlotsComesFromTheSettings()
    {
        ChokeCandidate<string>[] peers = [Candidate("a", givesUs: 3), Candidate("b", givesUs: 2), Candidate("c", givesUs: 1)];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string>(), new ChokerSettings { RegularSlots = 2 });
        Assert.That(regular, Is.EqualTo(new[] { "a", "b" }), "settings.RegularSlots is 2 here: only the two fastest");
    }

    [Test]
    public void WhileSeedingTheSlotsGoToThePeersWeUploadFastestTo()
    {
        ChokeCandidate<string>[] peers =
            [Candidate("a", givesUs: 900, weGive: 1), Candidate("b", weGive: 50), Candidate("c", weGive: 40), Candidate("d", weGive: 30), Candidate("e", weGive: 20), Candidate("f", weGive: 10)];
        var regular = TitForTat.PickRegular(peers, seeding: true, new HashSet<string>(), Bep3);
        Assert.That(regular, Is.EqualTo(new[] { "b", "c", "d", "e" }),
            "seeding: nobody uploads to a seeder, so the slots go to the peers we upload fastest to (Rate(peer, seeding))");
    }

    [Test]
    public void ATieKeepsThePeerThatAlreadyHasTheSlot()
    {
        ChokeCandidate<string>[] peers = [Candidate("new", givesUs: 100), Candidate("old", givesUs: 100)];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string> { "old" }, new ChokerSettings { RegularSlots = 1 });
        Assert.That(regular, Is.EqualTo(new[] { "old" }),
            "ties: equal rates; the peer unchoked last round keeps its slot (no churn for nothing)");
    }

    [Test]
    public void AFasterPeerTakesTheSlotFromACurrentOne()
    {
        ChokeCandidate<string>[] peers = [Candidate("old", givesUs: 100), Candidate("better", givesUs: 101)];
        var regular = TitForTat.PickRegular(peers, seeding: false, new HashSet<string> { "old" }, new ChokerSettings { RegularSlots = 1 });
        Assert.That(regular, Is.EqualTo(new[] { "better" }), "tit-for-tat: holding a slot is only a tie-breaker; a faster peer wins it");
    }

    [Test]
    public void TheChokerRemembersWhoHadTheSlotsForTies()
    {
        var choker = NewChoker(slots: 1);
        var first = choker.Rechoke([Candidate("a", givesUs: 100), Candidate("b", givesUs: 50)], Seconds(0), seeding: false);
        Assert.That(first.Regular, Is.EqualTo(new[] { "a" }));
        for (int round = 1; round <= 20; round++)
        {
            var next = choker.Rechoke([Candidate("a", givesUs: 70), Candidate("b", givesUs: 70)], Seconds(10 * round), seeding: false);
            Assert.That(next.Regular, Is.EqualTo(new[] { "a" }), $"round {round}: ties keep the peer unchoked in the last round");
        }
    }

    [Test]
    public void TiesAmongNewPeersAreBrokenAtRandom()
    {
        var winners = new HashSet<string>();
        for (int seed = 0; seed < 40; seed++)
            winners.UnionWith(NewChoker(seed, slots: 1).Rechoke([Candidate("a"), Candidate("b"), Candidate("c")], Seconds(0), seeding: false).Regular);
        Assert.That(winners, Is.EquivalentTo(new[] { "a", "b", "c" }),
            "three peers with rate 0: over 40 seeds each should win the slot sometimes, not always the first listed");
    }

    [Test]
    public void TheSameSeedGivesTheSameDecisions()
    {
        ChokeCandidate<string>[] peers = [Candidate("a"), Candidate("b"), Candidate("c"), Candidate("d"), Candidate("e"), Candidate("f"), Candidate("g")];
        var one = NewChoker(seed: 7);
        var two = NewChoker(seed: 7);
        for (int round = 0; round < 10; round++)
        {
            var x = one.Rechoke(peers, Seconds(10 * round), seeding: true);
            var y = two.Rechoke(peers, Seconds(10 * round), seeding: true);
            Assert.That(x.Unchoked, Is.EqualTo(y.Unchoked), $"round {round}: the injected Random is the only source of chance");
        }
    }

    [Test]
    public void ANewDecisionFollowsTheRates()
    {
        var choker = NewChoker(slots: 2);
        var first = choker.Rechoke([Candidate("a", givesUs: 3), Candidate("b", givesUs: 2), Candidate("c", givesUs: 1)], Seconds(0), seeding: false);
        Assert.That(first.Regular, Is.EqualTo(new[] { "a", "b" }));
        var second = choker.Rechoke([Candidate("a", givesUs: 1), Candidate("b", givesUs: 2), Candidate("c", givesUs: 3)], Seconds(10), seeding: false);
        Assert.That(second.Regular, Is.EqualTo(new[] { "c", "b" }), "tit-for-tat: every rechoke ranks the peers again by their current rates (not a constant answer)");
    }
}
