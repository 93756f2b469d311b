using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

[Stage(3)]
public class AnnounceQueryTests
{
    private static readonly InfoHash Hash = InfoHash.FromHex("d69f91e6b2ae4c542468d1073a71d4ea13879a7f");
    private static readonly PeerId Peer = new("-MT0001-abcdefghijkl"u8);

    [Test]
    public void PercentEncodesEveryByteThatIsNotUnreserved()
    {
        Assert.That(AnnounceQuery.PercentEncode([0x00, 0x20, 0x41, 0x7e, 0x2d, 0x2e, 0x5f, 0xff, 0x25, 0x2b, 0x26]),
            Is.EqualTo("%00%20A~-._%FF%25%2B%26"));
    }

    [Test]
    public void BuildsTheCourseQuery()
    {
        var request = new AnnounceRequest(Hash, Peer, 6881) { Left = 92063, Event = AnnounceEvent.Started, NumWant = 50, Key = 0xdeadbeef };
        string url = AnnounceQuery.Build("http://bittorrent-test-tracker.codecrafters.io/announce", request);
        Assert.That(url, Is.EqualTo(
            "http://bittorrent-test-tracker.codecrafters.io/announce?info_hash=%D6%9F%91%E6%B2%AELT%24h%D1%07%3Aq%D4%EA%13%87%9A%7F"
            + "&peer_id=-MT0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=92063&compact=1&event=started&numwant=50&key=deadbeef"));
    }

    [Test]
    public void AppendsToAQueryTheAnnounceUrlAlreadyHas()
    {
        var request = new AnnounceRequest(Hash, Peer, 1);
        Assert.That(AnnounceQuery.Build("http://t.example/announce?passkey=abc", request), Does.StartWith("http://t.example/announce?passkey=abc&info_hash="));
        Assert.That(AnnounceQuery.Build("http://t.example/a.php?", request), Does.StartWith("http://t.example/a.php?info_hash="));
    }

    [Test]
    public void SendsEachEventByItsName_AndNoneAsNoEvent()
    {
        string For(AnnounceEvent e) => AnnounceQuery.Build("http://t/announce", new AnnounceRequest(Hash, Peer, 1) { Event = e });
        Assert.That(For(AnnounceEvent.Started), Does.Contain("&event=started&"));
        Assert.That(For(AnnounceEvent.Completed), Does.Contain("&event=completed&"));
        Assert.That(For(AnnounceEvent.Stopped), Does.Contain("&event=stopped&"));
        Assert.That(For(AnnounceEvent.None), Does.Not.Contain("event="));
    }

    [Test]
    public void SendsTheTrackerIdBack()
    {
        string url = AnnounceQuery.Build("http://t/announce", new AnnounceRequest(Hash, Peer, 1), trackerId: "id 7");
        Assert.That(url, Does.EndWith("&trackerid=id%207"));
    }
}
