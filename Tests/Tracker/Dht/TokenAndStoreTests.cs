using System.Net;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker.Dht;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>Tokens from a rotating secret (5 min, accepted for 10) and the bounded store of announced peers.</summary>
[Stage(3)]
public class TokenAndStoreTests
{
    private static readonly IPAddress Asker = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");

    [Test]
    public void ATokenIsValidOnlyForItsAddress()
    {
        var tokens = new TokenIssuer(new ManualTime());
        var token = tokens.Issue(Asker);
        Assert.That(tokens.IsValid(token, Asker), Is.True);
        Assert.That(tokens.IsValid(token, Other), Is.False);
        Assert.That(tokens.IsValid(new byte[token.Length], Asker), Is.False);
        Assert.That(tokens.IsValid(token.AsSpan(0, 4), Asker), Is.False);
    }

    [Test]
    public void ATokenLivesFiveToTenMinutes()
    {
        var time = new ManualTime();
        var tokens = new TokenIssuer(time);
        time.Advance(TimeSpan.FromMinutes(4.9)); // issued just before a rotation
        var late = tokens.Issue(Asker);
        time.Advance(TimeSpan.FromMinutes(0.2)); // rotated: the previous secret still counts
        Assert.That(tokens.IsValid(late, Asker), Is.True);
        var fresh = tokens.Issue(Asker);
        Assert.That(fresh, Is.Not.EqualTo(late), "a new secret makes new tokens");
        time.Advance(TimeSpan.FromMinutes(4.8)); // 5 min after issue, second rotation not reached
        Assert.That(tokens.IsValid(late, Asker), Is.True);
        time.Advance(TimeSpan.FromMinutes(0.1)); // the secret of `late` is now two rotations old
        Assert.That(tokens.IsValid(late, Asker), Is.False);
        Assert.That(tokens.IsValid(fresh, Asker), Is.True);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(tokens.IsValid(fresh, Asker), Is.False, "10 minutes after its secret began");
    }

    [Test]
    public void AClockThatJumpsHoursInvalidatesEverything()
    {
        var time = new ManualTime();
        var tokens = new TokenIssuer(time);
        var token = tokens.Issue(Asker);
        time.Advance(TimeSpan.FromHours(3));
        Assert.That(tokens.IsValid(token, Asker), Is.False);
    }

    [Test]
    public void PeerStoreIsBoundedPerInfoHashAndInTotal()
    {
        var time = new ManualTime();
        var store = new PeerStore(new DhtLimits { MaxInfoHashes = 3, MaxPeersPerInfoHash = 4 }, time);
        var crowded = NodeId.Random();
        for (int i = 0; i < 10; i++)
        {
            store.Add(crowded, new IPEndPoint(Asker, 1000 + i));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.That(store.Get(crowded, 100).Select(p => p.Port), Is.EquivalentTo(new[] { 1006, 1007, 1008, 1009 }), "the newest peers win");

        var hashes = Enumerable.Range(0, 5).Select(_ => NodeId.Random()).ToList();
        foreach (var hash in hashes)
        {
            store.Add(hash, new IPEndPoint(Asker, 2000));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.That(store.InfoHashCount, Is.EqualTo(3));
        Assert.That(hashes.Select(h => store.Get(h, 100).Count), Is.EqualTo(new[] { 0, 0, 1, 1, 1 }), "the least recently announced go first");
        Assert.That(store.Get(crowded, 100), Is.Empty);
    }

    [Test]
    public void AnnouncedPeersExpire()
    {
        var time = new ManualTime();
        var store = new PeerStore(new DhtLimits(), time);
        var hash = NodeId.Random();
        store.Add(hash, new IPEndPoint(Asker, 6881));
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.That(store.Get(hash, 10), Has.Count.EqualTo(1));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.That(store.Get(hash, 10), Is.Empty);
        Assert.That(store.InfoHashCount, Is.Zero);
    }
}
