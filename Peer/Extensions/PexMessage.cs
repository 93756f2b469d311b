using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Bencode;

namespace MeTorrent.Peer;

/// <summary>BEP 11: what a ut_pex sender knows about each added peer (one byte per peer in "added.f").</summary>
[Flags]
public enum PexFlags : byte
{
    None = 0,
    PrefersEncryption = 0x01,
    /// <summary>A seed, or a peer that only uploads.</summary>
    Seed = 0x02,
    SupportsUtp = 0x04,
    SupportsHolepunch = 0x08,
    /// <summary>The sender reached it by an outgoing connection, so it accepts incoming ones.</summary>
    Reachable = 0x10,
}

/// <summary>One peer in a PEX message.</summary>
public readonly record struct PexPeer(IPEndPoint EndPoint, PexFlags Flags);

/// <summary>
/// One ut_pex message (BEP 11): the peers the sender connected to since its last message ("added", with
/// flags in "added.f"; "added6"/"added6.f" for IPv6) and those it dropped ("dropped", "dropped6"), in the
/// compact format of trackers (6 bytes per IPv4 peer, 18 per IPv6). BEP 11 caps a message at 50 added and
/// 50 dropped peers: we never send more, and from a peer we keep only the first 50 of each.
/// </summary>
public sealed record PexMessage(IReadOnlyList<PexPeer> Added, IReadOnlyList<IPEndPoint> Dropped)
{
    public const int MaxPeersPerMessage = 50;

    /// <summary>Peers beyond the 50 per list that a received message carried and we ignored.</summary>
    public int Ignored { get; init; }

    public byte[] Encode()
    {
        if (Added.Count > MaxPeersPerMessage || Dropped.Count > MaxPeersPerMessage)
            throw new ArgumentException($"a PEX message carries at most {MaxPeersPerMessage} added and {MaxPeersPerMessage} dropped peers (BEP 11)");
        var dictionary = new BDictionary();
        foreach (var (family, suffix) in new[] { (AddressFamily.InterNetwork, ""), (AddressFamily.InterNetworkV6, "6") })
        {
            var added = Added.Where(p => p.EndPoint.AddressFamily == family).ToList();
            dictionary.Add("added" + suffix, new BString(Pack(added.Select(p => p.EndPoint), family)));
            dictionary.Add("added" + suffix + ".f", new BString(added.Select(p => (byte)p.Flags).ToArray()));
            dictionary.Add("dropped" + suffix, new BString(Pack(Dropped.Where(p => p.AddressFamily == family), family)));
        }
        return BencodeEncoder.Encode(dictionary);
    }

    /// <summary>
    /// Reads a ut_pex payload. Lists whose length is not a whole number of entries, or that are not byte
    /// strings, are a PeerProtocolException; flags of the wrong length are ignored (peers count as None);
    /// entries with port 0 are skipped; at most 50 added and 50 dropped peers are kept.
    /// </summary>
    public static PexMessage Decode(ReadOnlyMemory<byte> payload)
    {
        BValue root;
        try
        {
            root = BencodeDecoder.Decode(payload, maxDepth: 4, maxValues: 64);
        }
        catch (BencodeException e)
        {
            throw new PeerProtocolException($"ut_pex message is not valid bencode: {e.Message}");
        }
        if (root is not BDictionary dictionary)
            throw new PeerProtocolException("ut_pex message is not a dictionary");
        var added = new List<PexPeer>();
        var dropped = new List<IPEndPoint>();
        int ignored = 0;
        foreach (var (family, suffix) in new[] { (AddressFamily.InterNetwork, ""), (AddressFamily.InterNetworkV6, "6") })
        {
            var (addedPeers, addedTotal) = Unpack(dictionary, "added" + suffix, family, MaxPeersPerMessage - added.Count);
            ignored += addedTotal - addedPeers.Count;
            var flags = dictionary["added" + suffix + ".f"] is BString f && f.Bytes.Length == addedTotal ? f.Bytes.Span : default;
            for (int i = 0; i < addedPeers.Count; i++)
                if (addedPeers[i].Port != 0)
                    added.Add(new PexPeer(addedPeers[i], flags.IsEmpty ? PexFlags.None : (PexFlags)flags[i]));
            var (droppedPeers, droppedTotal) = Unpack(dictionary, "dropped" + suffix, family, MaxPeersPerMessage - dropped.Count);
            ignored += droppedTotal - droppedPeers.Count;
            dropped.AddRange(droppedPeers.Where(p => p.Port != 0));
        }
        return new PexMessage(added, dropped) { Ignored = ignored };
    }

    private static byte[] Pack(IEnumerable<IPEndPoint> peers, AddressFamily family)
    {
        int addressLength = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        var list = peers.ToList();
        var packed = new byte[list.Count * (addressLength + 2)];
        for (int i = 0; i < list.Count; i++)
        {
            var entry = packed.AsSpan(i * (addressLength + 2));
            list[i].Address.TryWriteBytes(entry, out _);
            BinaryPrimitives.WriteUInt16BigEndian(entry[addressLength..], (ushort)list[i].Port);
        }
        return packed;
    }

    /// <summary>The first <paramref name="limit"/> peers of a compact list, and how many it holds in all.</summary>
    private static (List<IPEndPoint> Peers, int Total) Unpack(BDictionary dictionary, string key, AddressFamily family, int limit)
    {
        int addressLength = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        int entry = addressLength + 2;
        switch (dictionary[key])
        {
            case null:
                return ([], 0);
            case BString packed when packed.Bytes.Length % entry == 0:
                var span = packed.Bytes.Span;
                int total = span.Length / entry;
                var peers = new List<IPEndPoint>(Math.Min(total, limit));
                for (int i = 0; i < Math.Min(total, limit); i++)
                {
                    var item = span.Slice(i * entry, entry);
                    peers.Add(new IPEndPoint(new IPAddress(item[..addressLength]), BinaryPrimitives.ReadUInt16BigEndian(item[addressLength..])));
                }
                return (peers, total);
            default:
                throw new PeerProtocolException($"ut_pex \"{key}\" is not a whole number of {entry}-byte entries");
        }
    }
}
