using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker;

/// <summary>
/// The packets of the UDP tracker protocol (BEP 15), all big-endian. Every packet starts with an action
/// and a transaction id chosen by the client and echoed by the tracker:
/// <code>
/// connect request    protocol id 0x41727101980 (8) | action 0 (4) | transaction (4)                    = 16 bytes
/// connect response   action 0 (4) | transaction (4) | connection id (8)                                  = 16 bytes
/// announce request   connection id (8) | action 1 (4) | transaction (4) | info hash (20) | peer id (20)
///                    | downloaded (8) | left (8) | uploaded (8) | event (4) | IP (4) | key (4)
///                    | num want (4) | port (2) [| BEP 41 options, e.g. 2, length, URL path and query]   ≥ 98 bytes
/// announce response  action 1 (4) | transaction (4) | interval (4) | leechers (4) | seeders (4) | peers  ≥ 20 bytes
/// error response     action 3 (4) | transaction (4) | message (rest of the packet)
/// </code>
/// Used by both <see cref="UdpTrackerClient"/> and the in-process tracker server.
/// </summary>
public static class UdpTrackerProtocol
{
    public const long ProtocolId = 0x41727101980;

    public const int ActionConnect = 0;
    public const int ActionAnnounce = 1;
    public const int ActionScrape = 2;
    public const int ActionError = 3;

    public const int ConnectRequestLength = 16;
    public const int ConnectResponseLength = 16;
    public const int AnnounceRequestLength = 98;
    public const int AnnounceResponseHeaderLength = 20;

    /// <summary>BEP 15 numbers its events differently from their order in <see cref="AnnounceEvent"/>.</summary>
    public static int EventCode(AnnounceEvent e) => e switch
    {
        AnnounceEvent.Completed => 1,
        AnnounceEvent.Started => 2,
        AnnounceEvent.Stopped => 3,
        _ => 0,
    };

    public static AnnounceEvent EventFromCode(int code) => code switch
    {
        1 => AnnounceEvent.Completed,
        2 => AnnounceEvent.Started,
        3 => AnnounceEvent.Stopped,
        _ => AnnounceEvent.None,
    };

    // LESSON 03-tracker.udp: the 16-byte connect request: protocol id, action 0, transaction id, big-endian.
    public static byte[] ConnectRequest(int transaction)
    {
        // STUB: throw new NotImplementedException("Lesson 03 step 3 (UDP): BEP 15 connect request: the protocol id, action 0 (connect), our transaction id; 16 bytes, big-endian. Stuck? Lessons/03-Tracker/HINTS.md");
        // BEGIN SOLUTION
        var packet = new byte[ConnectRequestLength];
        BinaryPrimitives.WriteInt64BigEndian(packet, ProtocolId);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), ActionConnect);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(12), transaction);
        return packet;
        // END SOLUTION
    }

    public static byte[] ConnectResponse(int transaction, long connectionId)
    {
        var packet = new byte[ConnectResponseLength];
        BinaryPrimitives.WriteInt32BigEndian(packet, ActionConnect);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), transaction);
        BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(8), connectionId);
        return packet;
    }

    // LESSON 03-tracker.udp: the 98-byte announce request, laid out as in the table above.
    public static byte[] AnnounceRequest(long connectionId, int transaction, AnnounceRequest request)
    {
        // STUB: throw new NotImplementedException("Lesson 03 step 3 (UDP): BEP 15 announce request: 98 bytes, big-endian, laid out as in the table at the top of this file. Stuck? Lessons/03-Tracker/HINTS.md");
        // BEGIN SOLUTION
        var packet = new byte[AnnounceRequestLength];
        var span = packet.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, connectionId);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], ActionAnnounce);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], transaction);
        request.InfoHash.Bytes.CopyTo(span[16..]);
        request.PeerId.Bytes.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt64BigEndian(span[56..], request.Downloaded);
        BinaryPrimitives.WriteInt64BigEndian(span[64..], request.Left);
        BinaryPrimitives.WriteInt64BigEndian(span[72..], request.Uploaded);
        BinaryPrimitives.WriteInt32BigEndian(span[80..], EventCode(request.Event));
        BinaryPrimitives.WriteUInt32BigEndian(span[84..], 0); // IP 0: "use the address the packet came from"
        BinaryPrimitives.WriteUInt32BigEndian(span[88..], request.Key);
        BinaryPrimitives.WriteInt32BigEndian(span[92..], request.NumWant < 0 ? -1 : request.NumWant);
        BinaryPrimitives.WriteUInt16BigEndian(span[96..], (ushort)request.Port);
        return packet;
        // END SOLUTION
    }

    /// <summary>BEP 41 option: part of the announce URL's path and query (may repeat; the parts are concatenated).</summary>
    public const byte OptionUrlData = 2;

    /// <summary>
    /// The 98-byte announce followed by the BEP 41 URL-data options that carry <paramref name="urlData"/>
    /// (the announce URL's path and query, e.g. "/announce?passkey=x") in pieces of at most 255 bytes:
    /// type 2, length, bytes. Trackers that do not know BEP 41 ignore what follows the 98 bytes.
    /// </summary>
    public static byte[] AnnounceRequest(long connectionId, int transaction, AnnounceRequest request, string? urlData)
    {
        var announce = AnnounceRequest(connectionId, transaction, request);
        var url = Encoding.UTF8.GetBytes(urlData ?? "");
        var packet = new byte[announce.Length + (url.Length + 254) / 255 * 2 + url.Length];
        announce.CopyTo(packet, 0);
        var span = packet.AsSpan(announce.Length);
        for (int offset = 0; offset < url.Length; offset += 255)
        {
            int length = Math.Min(255, url.Length - offset);
            span[0] = OptionUrlData;
            span[1] = (byte)length;
            url.AsSpan(offset, length).CopyTo(span[2..]);
            span = span[(2 + length)..];
        }
        return packet;
    }

    public static byte[] AnnounceResponse(int transaction, int interval, int leechers, int seeders, ReadOnlySpan<byte> compactPeers)
    {
        var packet = new byte[AnnounceResponseHeaderLength + compactPeers.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, ActionAnnounce);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), transaction);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), interval);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(12), leechers);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(16), seeders);
        compactPeers.CopyTo(packet.AsSpan(AnnounceResponseHeaderLength));
        return packet;
    }

    public static byte[] ErrorResponse(int transaction, string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var packet = new byte[8 + text.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, ActionError);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), transaction);
        text.CopyTo(packet, 8);
        return packet;
    }

    /// <summary>Action and transaction id of an answer (the first 8 bytes); false for a packet too short to have them.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> packet, out int action, out int transaction)
    {
        action = transaction = 0;
        if (packet.Length < 8)
            return false;
        action = BinaryPrimitives.ReadInt32BigEndian(packet);
        transaction = BinaryPrimitives.ReadInt32BigEndian(packet[4..]);
        return true;
    }

    /// <summary>The text of an error answer (everything after the header).</summary>
    public static string ErrorMessage(ReadOnlySpan<byte> packet) =>
        packet.Length > 8 ? Encoding.UTF8.GetString(packet[8..]).TrimEnd('\0') : "(no message)";

    /// <summary>An announce answer (action 1) from <paramref name="tracker"/>; TrackerException for anything malformed.</summary>
    public static AnnounceResponse ParseAnnounce(string tracker, ReadOnlySpan<byte> packet, AddressFamily family)
    {
        // opentracker answers a torrent it does not serve with the bare 8-byte header, no reason.
        if (packet.Length == 8)
            throw new TrackerException(tracker, "refused the announce: empty answer (the tracker does not serve this torrent)") { IsRefusal = true };
        if (packet.Length < AnnounceResponseHeaderLength)
            throw new TrackerException(tracker, $"answered an announce with only {packet.Length} bytes");
        int interval = BinaryPrimitives.ReadInt32BigEndian(packet[8..]);
        int leechers = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        int seeders = BinaryPrimitives.ReadInt32BigEndian(packet[16..]);
        if (interval < 0)
            throw new TrackerException(tracker, $"answered a negative interval ({interval} s)");
        List<IPEndPoint> peers;
        try
        {
            // BEP 15: the peers are IPv6 (18 bytes each) when the tracker was reached over IPv6.
            peers = CompactPeers.Parse(packet[AnnounceResponseHeaderLength..], family);
        }
        catch (FormatException e)
        {
            throw new TrackerException(tracker, $"answered an invalid announce response: {e.Message}", e);
        }
        return new AnnounceResponse(peers.Distinct().ToList(), TimeSpan.FromSeconds(interval))
        {
            Complete = seeders >= 0 ? seeders : null,
            Incomplete = leechers >= 0 ? leechers : null,
            TrackerUrl = tracker,
        };
    }
}
