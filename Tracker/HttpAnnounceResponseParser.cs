using System.Net;
using System.Net.Sockets;
using MeTorrent.Bencode;

namespace MeTorrent.Tracker;

/// <summary>
/// Reads the bencoded dictionary an HTTP tracker answers (BEP 3). Peers come compact (BEP 23 "peers"
/// string, BEP 7 "peers6" string) or as the original list of dictionaries with "ip" and "port".
/// A "failure reason" means the tracker refused: that becomes a <see cref="TrackerException"/> in its words.
/// </summary>
public static class HttpAnnounceResponseParser
{
    /// <summary>Used when a tracker leaves out "interval" (BEP 3 requires it; some trackers forget).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(30);

    /// <exception cref="TrackerException">a refusal, or a body that is not a valid announce response</exception>
    public static AnnounceResponse Parse(string tracker, ReadOnlyMemory<byte> body)
    {
        BDictionary dictionary = Decode(tracker, body);

        if (dictionary.Get("failure reason"u8) is { } failure)
        {
            string reason = failure is BString text ? text.Text : "(a failure reason that is not text)";
            throw new TrackerException(tracker, $"refused the announce: {reason}") { IsRefusal = true };
        }

        try
        {
            var peers = new List<IPEndPoint>();
            switch (dictionary.Get("peers"u8))
            {
                case BString compact:
                    peers.AddRange(CompactPeers.Parse(compact.Bytes.Span, AddressFamily.InterNetwork));
                    break;
                case BList list:
                    peers.AddRange(ParsePeerDictionaries(list));
                    break;
                case null:
                    break;
                default:
                    throw new FormatException("\"peers\" is neither a string nor a list");
            }
            if (dictionary.Get("peers6"u8) is BString compact6)
                peers.AddRange(CompactPeers.Parse(compact6.Bytes.Span, AddressFamily.InterNetworkV6));

            return new AnnounceResponse(peers.Distinct().ToList(), Seconds(dictionary, "interval"u8) ?? DefaultInterval)
            {
                MinInterval = Seconds(dictionary, "min interval"u8),
                TrackerId = (dictionary.Get("tracker id"u8) as BString)?.Text,
                Complete = Count(dictionary, "complete"u8),
                Incomplete = Count(dictionary, "incomplete"u8),
                Warning = (dictionary.Get("warning message"u8) as BString)?.Text,
                TrackerUrl = tracker,
            };
        }
        catch (FormatException e)
        {
            throw new TrackerException(tracker, $"answered an invalid announce response: {e.Message}", e);
        }
    }

    private static BDictionary Decode(string tracker, ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
            throw new TrackerException(tracker, "answered with an empty body");
        BValue value;
        try
        {
            value = BencodeDecoder.Decode(body);
        }
        catch (BencodeException e)
        {
            throw new TrackerException(tracker, $"answered something that is not bencode ({Preview(body.Span)}): {e.Message}", e);
        }
        return value as BDictionary
            ?? throw new TrackerException(tracker, "answered a bencoded value that is not a dictionary");
    }

    /// <summary>The original (non-compact) peer list: dictionaries with "ip" (text) and "port"; unusable entries are skipped.</summary>
    private static IEnumerable<IPEndPoint> ParsePeerDictionaries(BList list)
    {
        foreach (var item in list)
        {
            if (item is not BDictionary peer)
                throw new FormatException("an entry of \"peers\" is not a dictionary");
            // "ip" may be a DNS name in BEP 3; we only take literal addresses (no lookups per peer).
            if (peer.Get("ip"u8) is BString ip && IPAddress.TryParse(ip.Text, out var address)
                && peer.Get("port"u8) is BInteger { Value: > 0 and <= 65535 } port)
                yield return new IPEndPoint(address, (int)port.Value);
        }
    }

    private static TimeSpan? Seconds(BDictionary dictionary, ReadOnlySpan<byte> key)
    {
        if (dictionary.Get(key) is not BInteger seconds)
            return null;
        if (seconds.Value is < 0 or > int.MaxValue)
            throw new FormatException($"\"{System.Text.Encoding.ASCII.GetString(key)}\" is {seconds.Value} seconds");
        return TimeSpan.FromSeconds(seconds.Value);
    }

    private static int? Count(BDictionary dictionary, ReadOnlySpan<byte> key) =>
        dictionary.Get(key) is BInteger { Value: >= 0 and <= int.MaxValue } count ? (int)count.Value : null;

    /// <summary>The first bytes of a bad body, printable, so the error shows what came back (often an HTML page).</summary>
    internal static string Preview(ReadOnlySpan<byte> body)
    {
        var start = body[..Math.Min(body.Length, 40)];
        var text = new string(start.ToArray().Select(b => b is >= 32 and < 127 ? (char)b : '.').ToArray());
        return $"\"{text}{(body.Length > start.Length ? "..." : "")}\"";
    }
}
