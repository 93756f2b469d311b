using System.Text;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Tests.Tracker.Lesson;

/// <summary>Fixed announce requests for the lesson 03 tests, so that expected bytes can be written out.</summary>
internal static class LessonTracker
{
    /// <summary>An info hash of bytes 0x00, 0x11, ..., 0xff, 0x10, 0x21, 0x32, 0x43: some are letters or digits, most are not.</summary>
    public static InfoHash SampleInfoHash() => new(Enumerable.Range(0, 20).Select(i => (byte)(i * 0x11)).ToArray());

    public static PeerId SamplePeerId() => new(Encoding.ASCII.GetBytes("-MT0001-abcdefghijkl"));

    public static AnnounceRequest Request(int port = 6881, AnnounceEvent e = AnnounceEvent.None, InfoHash? infoHash = null, PeerId? peerId = null) =>
        new(infoHash ?? SampleInfoHash(), peerId ?? SamplePeerId(), port) { Left = 92063, Uploaded = 5, Downloaded = 7, Event = e, NumWant = 50, Key = 0x1234abcd };

    /// <summary>The query of <paramref name="url"/> as name → value, in order (values still percent-encoded).</summary>
    public static Dictionary<string, string> Query(string url)
    {
        string query = url[(url.IndexOf('?') + 1)..];
        return query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");
    }

    /// <summary>
    /// <paramref name="encoded"/> with the hex digits of every %XX upper-cased. RFC 3986 (2.1) makes "%ab" and
    /// "%AB" the same octet and says producers "should use uppercase hexadecimal digits", so the tests
    /// compare this form: either case passes, the reference writes upper case.
    /// </summary>
    public static string UpperHex(string encoded) =>
        System.Text.RegularExpressions.Regex.Replace(encoded, "%[0-9a-fA-F]{2}", m => m.Value.ToUpperInvariant());

    /// <summary>Builds an announce URL: an exception from Build fails the test naming the rule of step 1.</summary>
    public static string BuildValid(string announce, AnnounceRequest request, string? trackerId = null) =>
        MeTorrent.Tests.Support.LessonAssert.Valid(() => AnnounceQuery.Build(announce, request, trackerId),
            "Step 1 (announce URL): the announce URL, '?' (or '&'), then every parameter as name=value joined by '&'.");

    /// <summary>A request for a swarm of its own with a fresh peer id, for announces to a real tracker.</summary>
    public static AnnounceRequest Fresh(InfoHash infoHash, int port) =>
        Request(port, AnnounceEvent.Started, infoHash, PeerId.Generate());

    public static InfoHash RandomInfoHash() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(InfoHash.Length));

    /// <summary>Cancels after 10 s: no test waits on the network for longer.</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
}
