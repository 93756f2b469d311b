using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// Turns KRPC messages into datagrams and back. Reading is strict and bounded: a datagram that is too
/// long, is not one bencoded dictionary, nests deeper than a KRPC message can, or lacks "t" or "y" is
/// refused with a <see cref="FormatException"/> that says why; the caller drops it and counts it.
/// </summary>
public static class KrpcCodec
{
    /// <summary>Longest datagram read. A full get_peers answer is about 1 KB; nothing honest is longer.</summary>
    public const int MaxPacketLength = 2048;

    /// <summary>Longest transaction id accepted from others (we echo it, so it must stay small).</summary>
    public const int MaxTransactionIdLength = 16;

    // A KRPC message is a dictionary of a dictionary of (at most) a list of strings: depth 3.
    private const int MaxDepth = 4;
    private const int MaxValues = 400; // a get_peers answer with a hundred values and 8 nodes fits easily

    public static byte[] Encode(KrpcMessage message)
    {
        var packet = new BDictionary { { "t", new BString(message.TransactionId) } };
        switch (message.Kind)
        {
            case KrpcKind.Query:
                packet.Add("y", new BString("q"));
                packet.Add("q", new BString(message.Method ?? throw new ArgumentException("a query needs a method")));
                packet.Add("a", message.Body);
                break;
            case KrpcKind.Response:
                packet.Add("y", new BString("r"));
                packet.Add("r", message.Body);
                break;
            default:
                packet.Add("y", new BString("e"));
                packet.Add("e", new BList([new BInteger(message.ErrorCode), new BString(message.ErrorText)]));
                break;
        }
        return BencodeEncoder.Encode(packet);
    }

    /// <exception cref="FormatException">the datagram is not a valid KRPC message (the message says why)</exception>
    public static KrpcMessage Decode(ReadOnlyMemory<byte> packet)
    {
        if (packet.Length > MaxPacketLength)
            throw new FormatException($"a {packet.Length}-byte datagram is longer than any KRPC message ({MaxPacketLength})");
        if (BencodeDecoder.Decode(packet, MaxDepth, MaxValues) is not BDictionary dict)
            throw new FormatException("a KRPC message is a dictionary");
        if (dict.Get("t"u8) is not BString { Bytes.Length: > 0 and <= MaxTransactionIdLength } transaction)
            throw new FormatException("the transaction id \"t\" is missing, empty or too long");
        string kind = (dict.Get("y"u8) as BString)?.Text ?? throw new FormatException("the message kind \"y\" is missing");
        switch (kind)
        {
            case "q":
                string method = (dict.Get("q"u8) as BString)?.Text ?? throw new FormatException("a query has no method \"q\"");
                var arguments = dict.Get("a"u8) as BDictionary ?? throw new FormatException("a query has no arguments \"a\"");
                return KrpcMessage.Query(transaction.Bytes, method, arguments);
            case "r":
                var values = dict.Get("r"u8) as BDictionary ?? throw new FormatException("a response has no values \"r\"");
                return KrpcMessage.Response(transaction.Bytes, values);
            case "e":
                if (dict.Get("e"u8) is not BList { Count: >= 1 } error || error[0] is not BInteger code)
                    throw new FormatException("an error has no [code, message] list \"e\"");
                string text = error.Count > 1 && error[1] is BString s ? s.Text : "";
                return KrpcMessage.Error(transaction.Bytes, (int)Math.Clamp(code.Value, 0, 999), text.Length > 200 ? text[..200] : text);
            default:
                throw new FormatException("the message kind \"y\" is not q, r or e");
        }
    }
}
