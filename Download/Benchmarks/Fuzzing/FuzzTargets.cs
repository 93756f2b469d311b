using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Benchmarks.Fuzzing;

/// <summary>Every parser that reads what a stranger sends: .torrent files, tracker answers, peer and extension messages.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All() => [Bencode(), Torrent(), HttpTracker(), UdpTracker(), PeerMessages(), Extensions()];

    private static readonly IPEndPoint Nowhere = new(IPAddress.Loopback, 6881);
    private static readonly PeerId Us = PeerId.Generate();
    private const int PieceCount = 40;

    public static FuzzTarget Bencode() => new("bencode", TorrentSeeds(), input => BencodeDecoder.Decode(input), [typeof(BencodeException)]);

    public static FuzzTarget Torrent() => new("torrent", TorrentSeeds(), input => TorrentParser.Parse(input),
        [typeof(MetainfoException), typeof(BencodeException)]);

    public static FuzzTarget HttpTracker() => new("http-tracker",
    [
        BencodeEncoder.Encode(new BDictionary
        {
            { "complete", new BInteger(3) }, { "incomplete", new BInteger(7) }, { "interval", new BInteger(1800) },
            { "min interval", new BInteger(60) }, { "peers", new BString(Compact(3, 6)) }, { "peers6", new BString(Compact(2, 18)) },
            { "tracker id", new BString("abc") }, { "warning message", new BString("careful") },
        }),
        BencodeEncoder.Encode(new BDictionary
        {
            { "interval", new BInteger(900) },
            { "peers", new BList([
                new BDictionary { { "ip", new BString("127.0.0.1") }, { "peer id", new BString(new byte[20]) }, { "port", new BInteger(6881) } },
                new BDictionary { { "ip", new BString("::1") }, { "port", new BInteger(51413) } },
            ]) },
        }),
        BencodeEncoder.Encode(new BDictionary { { "failure reason", new BString("unregistered torrent") } }),
    ], input => HttpAnnounceResponseParser.Parse("http://127.0.0.1/announce", input), [typeof(TrackerException)]);

    public static FuzzTarget UdpTracker() => new("udp-tracker",
    [
        UdpTrackerProtocol.AnnounceResponse(77, 1800, 5, 9, Compact(4, 6)),
        UdpTrackerProtocol.AnnounceResponse(78, 60, 0, 0, []),
        UdpTrackerProtocol.ErrorResponse(79, "torrent not registered"),
        UdpTrackerProtocol.ConnectResponse(80, 0x41727101980),
    ], input =>
    {
        // What the client does with a datagram: the header, then the answer its action says.
        if (!UdpTrackerProtocol.TryReadHeader(input, out int action, out _))
            throw new TrackerException("udp://127.0.0.1:6969", "answer too short");
        if (action == UdpTrackerProtocol.ActionError)
            _ = UdpTrackerProtocol.ErrorMessage(input);
        else
            UdpTrackerProtocol.ParseAnnounce("udp://127.0.0.1:6969", input, input.Length % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
    }, [typeof(TrackerException)]);

    public static FuzzTarget PeerMessages() => new("peer", PeerSeeds(), input => ReceiveAll(input, decodeExtensions: false),
        [typeof(PeerProtocolException), typeof(EndOfStreamException)]);

    public static FuzzTarget Extensions() => new("extension", ExtensionSeeds(), input => ReceiveAll(input, decodeExtensions: true),
        [typeof(PeerProtocolException), typeof(EndOfStreamException), typeof(BencodeException)]);

    /// <summary>Handshakes with the bytes as the peer's side, asks for a few blocks, and reads every message until the bytes run out.</summary>
    private static void ReceiveAll(byte[] input, bool decodeExtensions)
    {
        var options = new PeerConnectionOptions { PieceCount = PieceCount };
        var connection = PeerConnection.OpenAsync(new ReplayStream(input), Nowhere, SeedHash, Us, options, CancellationToken.None)
            .GetAwaiter().GetResult();
        try
        {
            connection.SendRequestsAsync([new BlockRequest(1, 0, 16384), new BlockRequest(1, 16384, 16384), new BlockRequest(2, 0, 100)],
                CancellationToken.None).AsTask().GetAwaiter().GetResult();
            while (true)
            {
                var message = connection.ReceiveAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                // BEP 10: an extended message's payload starts with a bencoded dictionary (ut_metadata data follows it).
                if (decodeExtensions && message.Id == MessageId.Extended)
                    BencodeDecoder.DecodePrefix(message.Payload, out _);
            }
        }
        finally
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static readonly InfoHash SeedHash = new(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());

    private static byte[] Handshake(PeerFeatures features)
    {
        var bytes = new byte[HandshakeCodec.Length];
        HandshakeCodec.Write(bytes, SeedHash, PeerId.Generate(), features);
        return bytes;
    }

    private static List<byte[]> PeerSeeds()
    {
        var bits = new byte[(PieceCount + 7) / 8];
        Array.Fill(bits, (byte)0xA5);
        bits[^1] = 0;
        var block = new byte[16384];
        byte[] fast = Handshake(PeerFeatures.Fast | PeerFeatures.Extensions), plain = Handshake(PeerFeatures.None);
        return
        [
            [.. plain, .. Frame(5, bits), .. Frame(1), .. Frame(4, Ints(7)), .. Frame(7, [.. Ints(1, 0), .. block]), .. new byte[4],
                .. Frame(0), .. Frame(2), .. Frame(3), .. Frame(6, Ints(3, 0, 16384)), .. Frame(8, Ints(3, 0, 16384)), .. Frame(9, [0x1A, 0xE1])],
            [.. fast, .. Frame(14), .. Frame(1), .. Frame(7, [.. Ints(2, 0), .. new byte[100]]), .. Frame(16, Ints(1, 0, 16384)),
                .. Frame(13, Ints(5)), .. Frame(17, Ints(6)), .. Frame(0), .. Frame(16, Ints(1, 16384, 16384))],
            [.. fast, .. Frame(15), .. Frame(4, Ints(1)), .. Frame(4, Ints(1)), .. Frame(99, new byte[10]), .. Frame(20, [0, .. "de"u8])],
        ];
    }

    private static List<byte[]> ExtensionSeeds()
    {
        byte[] fast = Handshake(PeerFeatures.Fast | PeerFeatures.Extensions);
        var extendedHandshake = BencodeEncoder.Encode(new BDictionary
        {
            { "m", new BDictionary { { "ut_metadata", new BInteger(3) }, { "ut_pex", new BInteger(1) } } },
            { "metadata_size", new BInteger(31235) }, { "p", new BInteger(6881) }, { "reqq", new BInteger(250) },
            { "v", new BString("MeTorrent 0.1") }, { "yourip", new BString(new byte[] { 127, 0, 0, 1 }) },
        });
        var metadataData = BencodeEncoder.Encode(new BDictionary { { "msg_type", new BInteger(1) }, { "piece", new BInteger(0) }, { "total_size", new BInteger(31235) } });
        var pex = BencodeEncoder.Encode(new BDictionary { { "added", new BString(Compact(3, 6)) }, { "added.f", new BString(new byte[] { 0x10, 0, 2 }) }, { "dropped", new BString(Array.Empty<byte>()) } });
        return
        [
            [.. fast, .. Frame(15), .. Frame(20, [0, .. extendedHandshake]), .. Frame(20, [3, .. metadataData, .. new byte[64]]), .. Frame(20, [1, .. pex])],
            [.. fast, .. Frame(20, [0, .. extendedHandshake])],
        ];
    }

    private static List<byte[]> TorrentSeeds() =>
    [
        SyntheticTorrent.Create(4, pieceLength: 16384, seed: 1),
        BencodeEncoder.Encode(new BDictionary
        {
            { "announce", new BString("udp://127.0.0.1:6969") },
            { "announce-list", new BList([new BList([new BString("http://127.0.0.1:6969/announce")])]) },
            { "info", new BDictionary
                {
                    { "files", new BList([
                        new BDictionary { { "length", new BInteger(5) }, { "path", new BList([new BString("a"), new BString("b.txt")]) } },
                        new BDictionary { { "length", new BInteger(0) }, { "path", new BList([new BString("empty")]) } },
                        new BDictionary { { "attr", new BString("p") }, { "length", new BInteger(11) }, { "path", new BList([new BString(".pad"), new BString("11")]) } },
                        new BDictionary { { "length", new BInteger(9) }, { "path", new BList([new BString("c")]) } },
                    ]) },
                    { "name", new BString("folder") }, { "piece length", new BInteger(16) }, { "pieces", new BString(new byte[40]) },
                    { "private", new BInteger(1) },
                }
            },
        }),
        BencodeEncoder.Encode(new BDictionary
        {
            { "info", new BDictionary
                {
                    { "length", new BInteger(20) }, { "name", new BString("file.bin") }, { "piece length", new BInteger(16) },
                    { "pieces", new BString(new byte[40]) },
                }
            },
        }),
    ];

    private static byte[] Compact(int count, int size)
    {
        var bytes = new byte[count * size];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 37 + 1);
        return bytes;
    }

    private static byte[] Frame(byte id, byte[]? payload = null)
    {
        payload ??= [];
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1 + payload.Length);
        frame[4] = id;
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static byte[] Ints(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }
}
