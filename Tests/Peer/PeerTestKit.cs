using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;

namespace MeTorrent.Tests.Peer;

/// <summary>Connections for peer wire tests, all on the host's 127.0.0.1.</summary>
internal static class PeerTestKit
{
    public static readonly InfoHash Hash = new(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());

    public static PeerConnectionOptions Options(int pieceCount = 10, PeerFeatures features = PeerFeatures.Extensions | PeerFeatures.Fast,
        double readTimeoutSeconds = 10) => new()
    {
        PieceCount = pieceCount,
        Features = features,
        ReadTimeout = TimeSpan.FromSeconds(readTimeoutSeconds),
        HandshakeTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public static CancellationToken Deadline(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Two of our connections talking to each other: one dialled (<c>Dialer</c>), one accepted.</summary>
    public static async Task<(PeerConnection Dialer, PeerConnection Acceptor)> PairAsync(
        PeerConnectionOptions? dialer = null, PeerConnectionOptions? acceptor = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(Deadline());
            return await PeerConnection.AcceptAsync(socket, h => h == Hash, PeerId.Generate(), acceptor ?? Options(), Deadline());
        });
        var dialing = PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), dialer ?? Options(), Deadline());
        return (await dialing, await accepting);
    }

    /// <summary>
    /// Our connection dialled to a raw socket that answered the handshake (with <paramref name="reserved"/>
    /// bits): the test writes whatever bytes it likes to <c>Raw</c>.
    /// </summary>
    public static async Task<(PeerConnection Ours, NetworkStream Raw)> RawPairAsync(
        PeerConnectionOptions? options = null, byte[]? reserved = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var raw = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(Deadline());
            var stream = new NetworkStream(socket, ownsSocket: true);
            var theirs = new byte[68];
            await stream.ReadExactlyAsync(theirs);
            var answer = RawHandshake(Hash, reserved);
            await stream.WriteAsync(answer);
            return stream;
        });
        var ours = await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), options ?? Options(), Deadline());
        return (ours, await raw);
    }

    public static byte[] RawHandshake(InfoHash hash, byte[]? reserved = null, byte[]? peerId = null)
    {
        var bytes = new byte[68];
        bytes[0] = 19;
        "BitTorrent protocol"u8.CopyTo(bytes.AsSpan(1));
        (reserved ?? new byte[8]).CopyTo(bytes, 20);
        hash.Bytes.CopyTo(bytes.AsSpan(28));
        (peerId ?? "-RAW001-abcdefghijkl"u8.ToArray()).CopyTo(bytes, 48);
        return bytes;
    }

    public static byte[] Reserved(bool extensions = false, bool fast = false)
    {
        var reserved = new byte[8];
        if (extensions) reserved[5] |= 0x10;
        if (fast) reserved[7] |= 0x04;
        return reserved;
    }

    public static byte[] Frame(byte? id = null, params byte[] payload) => TestSeeder.Frame(id, payload);

    public static byte[] Ints(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }
}
