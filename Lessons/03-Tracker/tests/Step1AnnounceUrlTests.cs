using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Tracker.Lesson.LessonTracker;

namespace MeTorrent.Tests.Tracker.Lesson;

/// <summary>Lesson 03, step 1 (03-tracker.announce-url): the HTTP announce query (BEP 3).</summary>
[Stage(3)]
public class Step1AnnounceUrlTests
{
    private const string Announce = "http://127.0.0.1:6969/announce";

    [Test]
    public void LeavesUnreservedCharactersAsTheyAre()
    {
        Assert.That(AnnounceQuery.PercentEncode("azAZ09-._~"u8), Is.EqualTo("azAZ09-._~"),
            "letters, digits and - . _ ~ are 'unreserved' (RFC 3986): they go into the URL unchanged");
    }

    [Test]
    public void PercentEncodesEveryOtherByte()
    {
        Assert.That(UpperHex(AnnounceQuery.PercentEncode([0x00, 0x12, 0xab, 0xff, (byte)' ', (byte)'%', (byte)'&'])), Is.EqualTo("%00%12%AB%FF%20%25%26"),
            "every other byte becomes '%' and two hex digits, one byte at a time: the info hash is binary, not text " +
            "(upper- or lower-case hex digits are the same under RFC 3986; upper case is what it recommends)");
    }

    [Test]
    public void PutsTheInfoHashAndPeerIdInTheQuery()
    {
        var query = Query(BuildValid(Announce, Request()));
        Assert.That(UpperHex(query["info_hash"]), Is.EqualTo("%00%11%223DUfw%88%99%AA%BB%CC%DD%EE%FF%10%212C"),
            "info_hash is the 20 raw bytes of the info hash, percent-encoded byte by byte (0x33 is '3', 0x44 is 'D': they stay), not its 40-character hex form");
        Assert.That(query["peer_id"], Is.EqualTo("-MT0001-abcdefghijkl"), "peer_id is our 20-byte peer id, percent-encoded");
    }

    [Test]
    public void SendsPortAndTransferCounters()
    {
        var query = Query(BuildValid(Announce, Request(port: 6881)));
        Assert.That(query["port"], Is.EqualTo("6881"), "port: where other peers can reach us");
        Assert.That(query["uploaded"], Is.EqualTo("5"), "uploaded: bytes sent so far");
        Assert.That(query["downloaded"], Is.EqualTo("7"), "downloaded: bytes received so far");
        Assert.That(query["left"], Is.EqualTo("92063"), "left: bytes still missing");
        Assert.That(query["compact"], Is.EqualTo("1"), "compact=1 asks for the 6-bytes-per-peer list (BEP 23)");
    }

    [Test]
    public void SendsNumWantAndKey()
    {
        var query = Query(BuildValid(Announce, Request()));
        Assert.That(query.GetValueOrDefault("numwant"), Is.EqualTo("50"),
            "numwant: how many peers we would like (request.NumWant); without it a tracker picks its own default");
        Assert.That(query.GetValueOrDefault("key")?.ToUpperInvariant(), Is.EqualTo("1234ABCD"),
            "key: request.Key as 8 hex digits, so the tracker knows us again when our IP address changes (BEP 3 tracker conventions)");
    }

    [Test]
    public void SendsTheTrackerIdTheTrackerGaveUs()
    {
        var query = Query(BuildValid(Announce, Request(), trackerId: "tr 1"));
        Assert.That(query.ContainsKey("trackerid") ? UpperHex(query["trackerid"]) : null, Is.EqualTo("tr%201"),
            "trackerid: a tracker that answered with a \"tracker id\" wants it back in every later announce, percent-encoded");
        Assert.That(Query(BuildValid(Announce, Request())).ContainsKey("trackerid"), Is.False,
            "without a tracker id from the tracker, there is no trackerid parameter");
    }

    [Test]
    public void StartsAtTheAnnounceUrl()
    {
        string url = BuildValid(Announce, Request());
        Assert.That(url, Does.StartWith(Announce + "?"), "the query follows the announce URL after a '?'");
    }

    [Test]
    public void AppendsToAQueryTheTrackerAlreadyHas()
    {
        string url = BuildValid("http://127.0.0.1:6969/announce?passkey=abc", Request());
        Assert.That(url, Does.StartWith("http://127.0.0.1:6969/announce?passkey=abc&"),
            "an announce URL with a query (a private tracker's passkey) keeps it; our parameters follow after '&'");
    }

    [Test]
    public void NamesTheEventOnlyWhenThereIsOne()
    {
        Assert.That(Query(BuildValid(Announce, Request(e: AnnounceEvent.Started)))["event"], Is.EqualTo("started"),
            "the first announce says event=started");
        Assert.That(Query(BuildValid(Announce, Request(e: AnnounceEvent.None))).ContainsKey("event"), Is.False,
            "a regular announce has no event parameter at all");
    }
}
