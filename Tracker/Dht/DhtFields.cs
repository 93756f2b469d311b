using System.Net;
using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// Reads the fields of a KRPC body with the checks BEP 5 implies: ids are exactly 20 bytes, "nodes" a
/// whole number of 26-byte entries, "values" a list of 6-byte compact peers, ports 1–65535. A field that
/// breaks them is a <see cref="FormatException"/>: the message is a lie or garbage, and is dropped.
/// </summary>
public static class DhtFields
{
    /// <summary>Most tokens are 4–20 bytes; longer ones are refused so we never store or echo much.</summary>
    public const int MaxTokenLength = 32;

    public static NodeId Id(BDictionary body, string key = "id") =>
        body[key] is BString { Bytes.Length: NodeId.Length } s
            ? new NodeId(s.Bytes.Span)
            : throw new FormatException($"\"{key}\" is missing or not 20 bytes");

    public static List<NodeContact> Nodes(BDictionary body, out int dropped)
    {
        dropped = 0;
        return body.Get("nodes"u8) switch
        {
            null => [],
            BString packed => CompactNodes.Parse(packed.Bytes.Span, out dropped),
            _ => throw new FormatException("\"nodes\" is not a string"),
        };
    }

    /// <summary>The peers of a get_peers answer ("values": a list of 6-byte strings); port-0 entries skipped.</summary>
    public static List<IPEndPoint> Values(BDictionary body)
    {
        if (body.Get("values"u8) is not { } value)
            return [];
        if (value is not BList list)
            throw new FormatException("\"values\" is not a list");
        var peers = new List<IPEndPoint>(list.Count);
        foreach (var item in list)
        {
            if (item is not BString { Bytes.Length: CompactPeers.IPv4EntryLength } peer)
                throw new FormatException("a \"values\" entry is not a 6-byte compact peer");
            peers.AddRange(CompactPeers.Parse(peer.Bytes.Span, System.Net.Sockets.AddressFamily.InterNetwork));
        }
        return peers;
    }

    public static ReadOnlyMemory<byte>? Token(BDictionary body) =>
        body.Get("token"u8) switch
        {
            null => null,
            BString { Bytes.Length: > 0 and <= MaxTokenLength } token => token.Bytes,
            _ => throw new FormatException("\"token\" is not a string of 1 to 32 bytes"),
        };

    public static int Port(BDictionary body) =>
        body.Get("port"u8) is BInteger { Value: >= 1 and <= 65535 } port
            ? (int)port.Value
            : throw new FormatException("\"port\" is missing or not 1–65535");

    public static bool ImpliedPort(BDictionary body) => body.Get("implied_port"u8) is BInteger { Value: not 0 };
}
