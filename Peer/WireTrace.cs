using System.Buffers.Binary;
using System.Text;
using MeTorrent.Bencode;

namespace MeTorrent.Peer;

/// <summary>Called for every handshake and message a connection reads or writes (the CLI's --trace).</summary>
/// <param name="connection">the connection (its peer's address; its extension ids name extended messages)</param>
/// <param name="outgoing">we sent it</param>
/// <param name="frame">a handshake (68 bytes), or a message without its length prefix: id first, empty for a keep-alive</param>
public delegate void WireObserver(PeerConnection connection, bool outgoing, bool handshake, ReadOnlySpan<byte> frame);

/// <summary>
/// One line for one message, its fields named as the BEPs name them: `piece index=3 begin=16384 block=16384 bytes`,
/// `request index=3 begin=0 length=16384`, `extended ut_metadata msg_type=data piece=0 total_size=1234`.
/// A protocol dissector to read beside BEP 3 (and 5, 6, 9, 10, 11).
/// </summary>
public static class WireTrace
{
    /// <param name="remoteExtensions">the peer's extension handshake: its ids name our outgoing extended messages</param>
    public static string Describe(ExtensionHandshake? remoteExtensions, bool outgoing, bool handshake, ReadOnlySpan<byte> frame)
    {
        try
        {
            return handshake ? DescribeHandshake(frame) : DescribeMessage(remoteExtensions, outgoing, frame);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or BencodeException or PeerProtocolException)
        {
            return $"malformed ({frame.Length} bytes: {e.Message})";
        }
    }

    private static string DescribeHandshake(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 68)
            return $"handshake (only {frame.Length} bytes)";
        string pstr = Encoding.Latin1.GetString(frame.Slice(1, frame[0]));
        return $"handshake pstr=\"{pstr}\" reserved={Convert.ToHexStringLower(frame.Slice(20, 8))} " +
            $"info_hash={Convert.ToHexStringLower(frame.Slice(28, 20))} peer_id={Printable(frame.Slice(48, 20))}";
    }

    private static string DescribeMessage(ExtensionHandshake? remoteExtensions, bool outgoing, ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
            return "keep-alive";
        var id = (MessageId)frame[0];
        var body = frame[1..];
        return id switch
        {
            MessageId.Choke => "choke",
            MessageId.Unchoke => "unchoke",
            MessageId.Interested => "interested",
            MessageId.NotInterested => "not interested",
            MessageId.Have => $"have index={Int(body, 0)}",
            MessageId.Bitfield => $"bitfield {SetBits(body)} of {body.Length * 8} bits set",
            MessageId.Request or MessageId.Cancel or MessageId.Reject =>
                $"{Name(id)} index={Int(body, 0)} begin={Int(body, 4)} length={Int(body, 8)}",
            MessageId.Piece => $"piece index={Int(body, 0)} begin={Int(body, 4)} block={body.Length - 8} bytes",
            MessageId.Port => $"port listen-port={BinaryPrimitives.ReadUInt16BigEndian(body)}",
            MessageId.Suggest => $"suggest piece index={Int(body, 0)}",
            MessageId.AllowedFast => $"allowed fast index={Int(body, 0)}",
            MessageId.HaveAll => "have all",
            MessageId.HaveNone => "have none",
            MessageId.Extended => DescribeExtended(remoteExtensions, outgoing, body[0], body[1..]),
            _ => $"unknown id={(byte)id} ({body.Length} bytes)",
        };
    }

    private static string Name(MessageId id) => id.ToString().ToLowerInvariant();

    /// <summary>
    /// BEP 10: an incoming message carries the id we gave the extension; an outgoing one, the id the peer
    /// gave it in its extension handshake.
    /// </summary>
    private static string DescribeExtended(ExtensionHandshake? remoteExtensions, bool outgoing, byte id, ReadOnlySpan<byte> payload)
    {
        if (id == ExtensionNames.HandshakeId)
        {
            var handshake = ExtensionHandshake.Decode(payload.ToArray());
            string m = string.Join(", ", handshake.Ids.OrderBy(p => p.Value).Select(p => $"{p.Key}:{p.Value}"));
            return $"extended handshake m={{{m}}}" +
                (handshake.MetadataSize is { } size ? $" metadata_size={size}" : "") +
                (handshake.ListenPort is { } port ? $" p={port}" : "") +
                (handshake.Client is { } client ? $" v=\"{client}\"" : "") +
                (handshake.RequestQueue is { } reqq ? $" reqq={reqq}" : "");
        }
        string? name = outgoing
            ? remoteExtensions?.Ids.FirstOrDefault(p => p.Value == id).Key
            : id switch { ExtensionNames.UtMetadataId => ExtensionNames.UtMetadata, ExtensionNames.UtPexId => ExtensionNames.UtPex, _ => null };
        switch (name)
        {
            case ExtensionNames.UtMetadata when MetadataMessage.Decode(payload.ToArray()) is { } message:
                return $"extended ut_metadata msg_type={message.Type.ToString().ToLowerInvariant()} piece={message.Piece}" +
                    (message.Type == MetadataMessageType.Data ? $" total_size={message.TotalSize} ({message.Data.Length} bytes)" : "");
            case ExtensionNames.UtPex:
                var pex = PexMessage.Decode(payload.ToArray());
                return $"extended ut_pex added={pex.Added.Count} dropped={pex.Dropped.Count}" +
                    (pex.Added.Count > 0 ? $" ({string.Join(" ", pex.Added.Take(4).Select(p => p.EndPoint))}{(pex.Added.Count > 4 ? " …" : "")})" : "");
            default:
                return $"extended id={id} ({name ?? "unknown"}, {payload.Length} bytes)";
        }
    }

    private static int Int(ReadOnlySpan<byte> body, int offset) => BinaryPrimitives.ReadInt32BigEndian(body[offset..]);

    private static int SetBits(ReadOnlySpan<byte> bits)
    {
        int count = 0;
        foreach (byte b in bits)
            count += System.Numerics.BitOperations.PopCount(b);
        return count;
    }

    /// <summary>A peer id as text where it is printable (Azureus style "-TR3000-…"), hex for the rest.</summary>
    private static string Printable(ReadOnlySpan<byte> id)
    {
        var text = new StringBuilder();
        foreach (byte b in id)
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:x2}");
        return text.ToString();
    }
}
