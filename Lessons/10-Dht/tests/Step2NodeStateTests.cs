using MeTorrent.Tests.Support;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Dht.Lesson.LessonDht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>Lesson 10, step 2 (10-dht.node-states): good, questionable and bad nodes, as BEP 5 defines them.</summary>
[Stage(10)]
public class Step2NodeStateTests
{
    private const string Rule = "Step 2 (node states): ";
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A node that answered one of our queries at <see cref="Start"/> (how every node enters the table).</summary>
    private static RoutingEntry Answered() => new(Contact(Id("5a"), 1), Start);

    [Test]
    public void ANodeThatJustAnsweredIsGood()
    {
        var entry = Answered();
        Assert.That(entry.StateAt(Start), Is.EqualTo(NodeState.Good), Rule + "a node that answered one of our queries just now is good");
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(14.9)), Is.EqualTo(NodeState.Good),
            Rule + "it stays good for 15 minutes after its answer");
    }

    [Test]
    public void FifteenMinutesOfSilenceMakeItQuestionable()
    {
        var entry = Answered();
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(15)), Is.EqualTo(NodeState.Questionable),
            Rule + "BEP 5: \"after 15 minutes of inactivity, a node becomes questionable\"");
        Assert.That(entry.StateAt(Start + TimeSpan.FromHours(5)), Is.EqualTo(NodeState.Questionable),
            Rule + "silence alone never makes a node bad: only failed queries do");
    }

    [Test]
    public void AQueryFromANodeThatAnsweredBeforeKeepsItGood()
    {
        var entry = Answered();
        entry.LastQueryFromIt = Start + TimeSpan.FromMinutes(20);
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(30)), Is.EqualTo(NodeState.Good),
            Rule + "BEP 5: a node that has ever answered us and sent us a query within the last 15 minutes is good (it answered 30 minutes ago, queried us 10 minutes ago)");
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(35)), Is.EqualTo(NodeState.Questionable),
            Rule + "15 minutes after its last query and its last answer, it is questionable again");
    }

    [Test]
    public void OneMissedAnswerIsNotYetBad()
    {
        var entry = Answered();
        entry.FailedQueries = 1;
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(20)), Is.EqualTo(NodeState.Questionable),
            Rule + "one query without an answer is not enough to call a node bad (a UDP datagram gets lost now and then): still questionable");
        Assert.That(RoutingTable.FailuresBeforeBad, Is.EqualTo(2), "the reference's number of failures in a row before a node is bad");
    }

    [Test]
    public void FailingSeveralQueriesInARowMakesItBad()
    {
        var entry = Answered();
        entry.FailedQueries = RoutingTable.FailuresBeforeBad;
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(20)), Is.EqualTo(NodeState.Bad),
            Rule + $"BEP 5: a node that fails to respond to multiple queries in a row is bad ({RoutingTable.FailuresBeforeBad} here)");
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(1)), Is.EqualTo(NodeState.Bad),
            Rule + "failures count first: a node that answered a minute ago and has failed our last two queries since is bad, not good");
        entry.LastQueryFromIt = Start + TimeSpan.FromMinutes(19);
        Assert.That(entry.StateAt(Start + TimeSpan.FromMinutes(20)), Is.EqualTo(NodeState.Bad),
            Rule + "a node that queries us but does not answer our queries is still bad");
    }
}
