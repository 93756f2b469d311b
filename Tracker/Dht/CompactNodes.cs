using System.Buffers.Binary;
using System.Net;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// "Compact node info" (BEP 5): 26 bytes per node, the 20-byte id then the IPv4 address and port in
/// network byte order. IPv6 nodes ("nodes6", BEP 32) are not supported yet.
/// </summary>
public static class CompactNodes
{
    public const int EntryLength = NodeId.Length + 6;

    /// <summary>Reads packed nodes; unusable addresses are counted in <paramref name="dropped"/> and left out.</summary>
    /// <exception cref="FormatException">the length is not a multiple of 26</exception>
    public static List<NodeContact> Parse(ReadOnlySpan<byte> packed, out int dropped)
    {
        if (packed.Length % EntryLength != 0)
            throw new FormatException($"compact node info is a multiple of 26 bytes long, not {packed.Length}");
        dropped = 0;
        var nodes = new List<NodeContact>(packed.Length / EntryLength);
        for (int i = 0; i < packed.Length; i += EntryLength)
        {
            var id = new NodeId(packed.Slice(i, NodeId.Length));
            var address = new IPAddress(packed.Slice(i + NodeId.Length, 4));
            int port = BinaryPrimitives.ReadUInt16BigEndian(packed.Slice(i + NodeId.Length + 4, 2));
            var endPoint = new IPEndPoint(address, port);
            if (NodeContact.IsUsable(endPoint))
                nodes.Add(new NodeContact(id, endPoint));
            else
                dropped++;
        }
        return nodes;
    }

    public static byte[] Write(IReadOnlyCollection<NodeContact> nodes)
    {
        var packed = new byte[nodes.Count * EntryLength];
        var span = packed.AsSpan();
        foreach (var node in nodes)
        {
            node.Id.WriteTo(span);
            node.EndPoint.Address.MapToIPv4().TryWriteBytes(span[NodeId.Length..], out _);
            BinaryPrimitives.WriteUInt16BigEndian(span[(NodeId.Length + 4)..], (ushort)node.EndPoint.Port);
            span = span[EntryLength..];
        }
        return packed;
    }
}
