using System.Globalization;
using System.Net;
using System.Text;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker.Server;

/// <summary>
/// Reads the parameters of an HTTP announce (BEP 3) into a <see cref="PeerAnnounce"/>. A malformed
/// request yields the text for a "failure reason" instead. The peer's address is the one the
/// connection came from: the "ip" parameter is ignored, so nobody can add someone else to a swarm.
/// </summary>
internal static class HttpAnnounceParser
{
    public sealed record Parsed(PeerAnnounce Announce, bool Compact, bool NoPeerId);

    public static bool TryParse(string query, IPAddress from, out Parsed? parsed, out string failure)
    {
        parsed = null;
        failure = "";
        Dictionary<string, byte[]> p;
        try
        {
            p = QueryString.Parse(query);
        }
        catch (FormatException e)
        {
            failure = $"malformed query: {e.Message}";
            return false;
        }

        if (!p.TryGetValue("info_hash", out var infoHash) || infoHash.Length != InfoHash.Length)
            return Fail(out failure, "info_hash must be 20 bytes, percent-encoded");
        if (!p.TryGetValue("peer_id", out var peerId) || peerId.Length != PeerId.Length)
            return Fail(out failure, "peer_id must be 20 bytes, percent-encoded");
        if (!TryNumber(p, "port", out long? port) || port is not (> 0 and <= 65535))
            return Fail(out failure, "port must be a number from 1 to 65535");
        if (!TryNumber(p, "left", out long? left) || !TryNumber(p, "uploaded", out _) || !TryNumber(p, "downloaded", out _))
            return Fail(out failure, "uploaded, downloaded and left must be non-negative numbers");
        if (!TryNumber(p, "numwant", out long? numWant))
            return Fail(out failure, "numwant must be a non-negative number");

        AnnounceEvent announceEvent;
        switch (Text(p, "event"))
        {
            case null or "" or "empty" or "paused": announceEvent = AnnounceEvent.None; break;
            case "started": announceEvent = AnnounceEvent.Started; break;
            case "completed": announceEvent = AnnounceEvent.Completed; break;
            case "stopped": announceEvent = AnnounceEvent.Stopped; break;
            case var other: return Fail(out failure, $"unknown event \"{other}\"");
        }

        var address = from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from;
        var announce = new PeerAnnounce(new InfoHash(infoHash), peerId, new IPEndPoint(address, (int)port),
            left, announceEvent, numWant is long n ? (int)Math.Min(n, int.MaxValue) : null);
        parsed = new Parsed(announce, Text(p, "compact") != "0", Text(p, "no_peer_id") == "1");
        return true;
    }

    private static bool Fail(out string failure, string why)
    {
        failure = why;
        return false;
    }

    private static string? Text(Dictionary<string, byte[]> p, string key) =>
        p.TryGetValue(key, out var value) ? Encoding.ASCII.GetString(value) : null;

    /// <summary>False only for a value that is present but not a non-negative whole number; absent gives null.</summary>
    private static bool TryNumber(Dictionary<string, byte[]> p, string key, out long? value)
    {
        value = null;
        string? text = Text(p, key);
        if (text is null)
            return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            return false;
        value = number;
        return true;
    }
}
