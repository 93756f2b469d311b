using System.Net;
using MeTorrent.Download.Pex;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Pex;

[Stage(5)]
public class PexSenderTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly IPEndPoint Recipient = IPEndPoint.Parse("127.0.0.1:9000");

    private static PexPeer Peer(int port, PexFlags flags = PexFlags.None) => new(new IPEndPoint(IPAddress.Loopback, port), flags);

    [Test]
    public void FirstMessageNamesEveryConnectedPeerButTheRecipient()
    {
        var sender = new PexSender(Recipient);
        var message = sender.Next([Peer(1, PexFlags.Seed), Peer(2), new PexPeer(Recipient, PexFlags.None)], Start)!;
        Assert.That(message.Added, Is.EqualTo(new[] { Peer(1, PexFlags.Seed), Peer(2) }));
        Assert.That(message.Dropped, Is.Empty);
    }

    [Test]
    public void AtMostOnceAMinuteAndOnlyNews()
    {
        var sender = new PexSender(Recipient);
        sender.Next([Peer(1), Peer(2)], Start);
        Assert.That(sender.Next([Peer(2), Peer(3)], Start.AddSeconds(59)), Is.Null, "too soon");
        var message = sender.Next([Peer(2), Peer(3)], Start.AddSeconds(60))!;
        Assert.That(message.Added, Is.EqualTo(new[] { Peer(3) }));
        Assert.That(message.Dropped, Is.EqualTo(new[] { Peer(1).EndPoint }));
        Assert.That(sender.Next([Peer(2), Peer(3)], Start.AddSeconds(200)), Is.Null, "nothing changed");
    }

    [Test]
    public void FiftyAtATimeTheRestNextMinute()
    {
        var sender = new PexSender(Recipient);
        var many = Enumerable.Range(1, 120).Select(i => Peer(i)).ToList();
        Assert.That(sender.Next(many, Start)!.Added, Has.Count.EqualTo(50));
        Assert.That(sender.Next(many, Start.AddMinutes(1))!.Added, Has.Count.EqualTo(50));
        var third = sender.Next(many, Start.AddMinutes(2))!;
        Assert.That(third.Added, Has.Count.EqualTo(20));
        Assert.That(third.Added.Select(p => p.EndPoint.Port), Is.EqualTo(Enumerable.Range(101, 20)));
        var gone = sender.Next([], Start.AddMinutes(3))!;
        Assert.That(gone.Dropped, Has.Count.EqualTo(50));
        Assert.That(gone.Encode(), Is.Not.Empty, "always encodable: within BEP 11's limits");
    }
}

[Stage(5)]
public class PexIntakeTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static PexMessage Added(int first, int count) =>
        new(Enumerable.Range(first, count).Select(i => new PexPeer(new IPEndPoint(IPAddress.Parse($"10.0.{i / 250}.{i % 250 + 1}"), 6881), PexFlags.None)).ToList(), []);

    [Test]
    public void TakesTheAddedPeers()
    {
        var intake = new PexIntake(isPrivateTorrent: false);
        Assert.That(intake.Take(Added(0, 3), Start), Has.Count.EqualTo(3));
    }

    [Test]
    public void NeverForAPrivateTorrent() =>
        Assert.That(new PexIntake(isPrivateTorrent: true).Take(Added(0, 3), Start), Is.Empty);

    [Test]
    public void AtMostFiftyPerMessageEvenIfBuiltByHand()
    {
        var flood = Added(0, 80);
        Assert.That(new PexIntake(false).Take(flood, Start), Has.Count.EqualTo(50));
    }

    [Test]
    public void AtMostTwoHundredPerPeerPerHour()
    {
        var intake = new PexIntake(false);
        int taken = 0;
        for (int minute = 0; minute < 10; minute++)
            taken += intake.Take(Added(minute * 50, 50), Start.AddMinutes(minute)).Count;
        Assert.That(taken, Is.EqualTo(200));
        Assert.That(intake.OverLimit, Is.EqualTo(300));
        Assert.That(intake.Take(Added(900, 50), Start.AddMinutes(60)), Has.Count.EqualTo(50), "an hour after the first 50, room for 50 again");
    }

    [Test]
    public void MessagesTooCloseTogetherAreIgnored()
    {
        var intake = new PexIntake(false);
        intake.Take(Added(0, 1), Start);
        Assert.That(intake.Take(Added(1, 1), Start.AddSeconds(10)), Is.Empty);
        Assert.That(intake.IgnoredMessages, Is.EqualTo(1));
        Assert.That(intake.Take(Added(2, 1), Start.AddSeconds(60)), Has.Count.EqualTo(1));
    }

    [Test]
    public void AddressesThatCannotBePeersAreSkipped()
    {
        var junk = new PexMessage(new[] { "0.0.0.0:1", "255.255.255.255:1", "224.0.0.1:1", "[::]:1", "[ff02::1]:1", "10.0.0.1:6881" }
            .Select(text => new PexPeer(IPEndPoint.Parse(text), PexFlags.None)).ToList(), []);
        Assert.That(new PexIntake(false).Take(junk, Start), Is.EqualTo(new[] { IPEndPoint.Parse("10.0.0.1:6881") }));
    }
}
