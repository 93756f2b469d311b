// Lesson 03-Tracker: generated from Tracker/AnnounceQuery.cs by Lessons/tools. Your file: do the TODOs.
using System.Globalization;
using System.Text;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker;

/// <summary>
/// Builds the query string of an HTTP announce (BEP 3) by hand. The info hash and peer id are raw
/// bytes, not text, so each byte is percent-encoded on its own: unreserved characters (RFC 3986:
/// letters, digits, <c>-._~</c>) stay as they are, every other byte becomes <c>%XX</c>.
/// </summary>
public static class AnnounceQuery
{
    /// <summary>The full announce URL: <paramref name="announce"/> plus our parameters (after its own query, if it has one).</summary>
    // TODO(03-tracker.announce-url): the announce URL plus info_hash, peer_id, port, uploaded, downloaded,
    // left, compact=1, event (if any), numwant, key and trackerid (if any); binary values percent-encoded.
    public static string Build(string announce, AnnounceRequest request, string? trackerId = null)
    {
        throw new NotImplementedException("Lesson 03 step 1 (announce URL): the announce URL with info_hash, peer_id, port, uploaded, downloaded, left, compact, event, numwant, key and trackerid as query parameters; binary values percent-encoded. Stuck? Lessons/03-Tracker/HINTS.md");
    }

    /// <summary>The word BEP 3 uses for an event; null for <see cref="AnnounceEvent.None"/>, which is sent as no event at all.</summary>
    public static string? EventName(AnnounceEvent e) => e switch
    {
        AnnounceEvent.Started => "started",
        AnnounceEvent.Completed => "completed",
        AnnounceEvent.Stopped => "stopped",
        _ => null,
    };

    /// <summary>Percent-encodes every byte that is not an RFC 3986 unreserved character.</summary>
    // TODO(03-tracker.announce-url): each byte on its own: A-Z a-z 0-9 - . _ ~ as they are, any other byte as %XX.
    public static string PercentEncode(ReadOnlySpan<byte> bytes)
    {
        throw new NotImplementedException("Lesson 03 step 1 (announce URL): percent-encode each byte on its own: RFC 3986 unreserved characters as they are, every other byte as %XX. Stuck? Lessons/03-Tracker/HINTS.md");
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
