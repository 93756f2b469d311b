using System.Text;
using MeTorrent.Metainfo;

namespace MeTorrent.Peer;

/// <summary>What a peer said in its handshake: the torrent, its 20-byte id, the extensions it supports.</summary>
public sealed record Handshake(InfoHash InfoHash, byte[] PeerId, PeerFeatures Features)
{
    /// <summary>The peer id as 40 lower-case hex digits (what `metorrent handshake` prints).</summary>
    public string PeerIdHex => Convert.ToHexStringLower(PeerId);

    /// <summary>
    /// The client-naming start of the peer id (BEP 20): "-TR3000-" in the Azureus style most clients use,
    /// "A2-1-36-0-" in the dash-separated style of aria2 and mainline; the random rest is left off.
    /// </summary>
    public string ClientPrefix
    {
        get
        {
            string printable = new(Encoding.ASCII.GetString(PeerId).TakeWhile(c => c is >= ' ' and <= '~').ToArray());
            if (printable.Length >= 8 && printable[0] == '-' && printable[7] == '-')
                return printable[..8];
            int lastDash = printable.LastIndexOf('-');
            return lastDash > 0 ? printable[..(lastDash + 1)] : printable;
        }
    }
}

/// <summary>
/// The BEP 3 handshake, 68 bytes: length 19, "BitTorrent protocol", 8 reserved bytes,
/// the 20-byte info hash, the 20-byte peer id.
/// </summary>
public static class HandshakeCodec
{
    public const string Protocol = "BitTorrent protocol";
    public const int Length = 1 + 19 + ReservedBits.Length + InfoHash.Length + PeerId.Length; // 68

    /// <summary>The part before the peer id: a receiver can pick the torrent by its info hash first.</summary>
    public const int PrefixLength = Length - PeerId.Length; // 48

    // LESSON 04-peer.handshake: 19, "BitTorrent protocol", 8 reserved bytes, info hash, peer id: 68 bytes.
    public static void Write(Span<byte> destination, InfoHash infoHash, PeerId peerId, PeerFeatures features)
    {
        // STUB: throw new NotImplementedException("Lesson 04 step 1 (handshake): BEP 3 handshake: the length 19, \"BitTorrent protocol\", 8 reserved bytes, the info hash, our peer id; 68 bytes. Stuck? Lessons/04-Peer/HINTS.md");
        // BEGIN SOLUTION
        destination[0] = 19;
        Encoding.ASCII.GetBytes(Protocol, destination[1..20]);
        ReservedBits.Write(features, destination[20..28]);
        infoHash.Bytes.CopyTo(destination[28..48]);
        peerId.Bytes.CopyTo(destination[48..68]);
        // END SOLUTION
    }

    /// <summary>Checks the protocol string and reads the reserved bits and info hash of the first 48 bytes.</summary>
    // LESSON 04-peer.handshake: check the length byte and protocol string, then read the reserved bits and info hash.
    public static (InfoHash InfoHash, PeerFeatures Features) ReadPrefix(ReadOnlySpan<byte> prefix)
    {
        // STUB: throw new NotImplementedException("Lesson 04 step 1 (handshake): refuse anything that does not start like a BitTorrent handshake; read the peer's info hash and extension bits. Stuck? Lessons/04-Peer/HINTS.md");
        // BEGIN SOLUTION
        if (prefix[0] != 19 || !prefix[1..20].SequenceEqual("BitTorrent protocol"u8))
            throw new PeerProtocolException("not a BitTorrent handshake (wrong protocol string; an encrypted-only peer?)");
        return (new InfoHash(prefix[28..48]), ReservedBits.Read(prefix[20..28]));
        // END SOLUTION
    }
}
