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
    // LESSON 03-tracker.announce-url: the announce URL plus info_hash, peer_id, port, uploaded, downloaded,
    // left, compact=1, event (if any), numwant, key and trackerid (if any); binary values percent-encoded.
    public static string Build(string announce, AnnounceRequest request, string? trackerId = null)
    {
        // STUB: throw new NotImplementedException("Lesson 03 step 1 (announce URL): the announce URL with info_hash, peer_id, port, uploaded, downloaded, left, compact, event, numwant, key and trackerid as query parameters; binary values percent-encoded. Stuck? Lessons/03-Tracker/HINTS.md");
        // BEGIN SOLUTION
        var url = new StringBuilder(announce.Length + 300);
        // Some trackers put a passkey in the query already: ours go after it (BEP 3 leaves room for this).
        int fragment = announce.IndexOf('#');
        url.Append(fragment >= 0 ? announce[..fragment] : announce);
        url.Append(announce.Contains('?') ? (announce.EndsWith('?') || announce.EndsWith('&') ? "" : "&") : "?");

        url.Append("info_hash=").Append(PercentEncode(request.InfoHash.Bytes));
        url.Append("&peer_id=").Append(PercentEncode(request.PeerId.Bytes));
        url.Append("&port=").Append(Number(request.Port));
        url.Append("&uploaded=").Append(Number(request.Uploaded));
        url.Append("&downloaded=").Append(Number(request.Downloaded));
        url.Append("&left=").Append(Number(request.Left));
        url.Append("&compact=1"); // BEP 23: 6 bytes per peer instead of a dictionary each
        if (EventName(request.Event) is { } name)
            url.Append("&event=").Append(name);
        url.Append("&numwant=").Append(Number(request.NumWant));
        url.Append("&key=").Append(request.Key.ToString("x8", CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(trackerId))
            url.Append("&trackerid=").Append(PercentEncode(Encoding.UTF8.GetBytes(trackerId)));
        return url.ToString();
        // END SOLUTION
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
    // LESSON 03-tracker.announce-url: each byte on its own: A-Z a-z 0-9 - . _ ~ as they are, any other byte as %XX.
    public static string PercentEncode(ReadOnlySpan<byte> bytes)
    {
        // STUB: throw new NotImplementedException("Lesson 03 step 1 (announce URL): percent-encode each byte on its own: RFC 3986 unreserved characters as they are, every other byte as %XX. Stuck? Lessons/03-Tracker/HINTS.md");
        // BEGIN SOLUTION
        const string hex = "0123456789ABCDEF";
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte b in bytes)
        {
            if (IsUnreserved(b))
                text.Append((char)b);
            else
                text.Append('%').Append(hex[b >> 4]).Append(hex[b & 0xF]);
        }
        return text.ToString();
        // END SOLUTION
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
