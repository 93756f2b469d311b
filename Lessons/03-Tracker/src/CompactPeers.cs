// Lesson 03-Tracker: generated from Tracker/CompactPeers.cs by Lessons/tools. Your file: do the TODOs.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Tracker;

/// <summary>
/// The compact peer format: each peer is its address in network byte order followed by a big-endian
/// 2-byte port — 6 bytes for IPv4 (BEP 23, "peers"), 18 bytes for IPv6 (BEP 7, "peers6").
/// UDP trackers (BEP 15) use the same layout.
/// </summary>
public static class CompactPeers
{
    public const int IPv4EntryLength = 6;
    public const int IPv6EntryLength = 18;

    /// <summary>Reads packed peers; the length must be a multiple of the entry size. Port-0 entries are skipped.</summary>
    /// <exception cref="FormatException">the length is not a whole number of entries</exception>
    // TODO(03-tracker.compact-peers): 6 bytes per IPv4 peer (4 address, 2 port, big-endian), 18 per IPv6 peer.
    public static List<IPEndPoint> Parse(ReadOnlySpan<byte> packed, AddressFamily family)
    {
        throw new NotImplementedException("Lesson 03 step 2 (compact peers): BEP 23: 6 bytes per peer (4 of IPv4 address, 2 of port; 18 for IPv6), all in network (big-endian) order; a partial entry is a FormatException. Stuck? Lessons/03-Tracker/HINTS.md");
    }

    /// <summary>Packs the peers of one family (others are left out) into the compact format.</summary>
    public static byte[] Write(IEnumerable<IPEndPoint> peers, AddressFamily family)
    {
        var chosen = peers.Where(p => p.AddressFamily == family).ToList();
        int addressLength = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        var packed = new byte[chosen.Count * (addressLength + 2)];
        var span = packed.AsSpan();
        foreach (var peer in chosen)
        {
            peer.Address.TryWriteBytes(span, out _);
            BinaryPrimitives.WriteUInt16BigEndian(span[addressLength..], (ushort)peer.Port);
            span = span[(addressLength + 2)..];
        }
        return packed;
    }
}
