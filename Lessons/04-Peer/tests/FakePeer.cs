using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeTorrent.Tests.Peer.Lesson;

/// <summary>
/// A peer for the lesson 04 tests, written with raw bytes only (nothing from MeTorrent.Peer), so that it
/// works whatever state the student's code is in. It listens on 127.0.0.1, takes one connection, answers
/// the handshake, then runs <see cref="Script"/>. <see cref="Seed"/> is the usual script: bitfield,
/// unchoke, and a piece message for every request.
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    public static readonly byte[] Id = Encoding.ASCII.GetBytes("-FK0001-fakepeer0001");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(20));
    private readonly Task _run;
    private readonly bool _fast;

    /// <param name="fast">announce the fast extension (BEP 6: reserved byte 7, bit 0x04), so that reject messages are allowed</param>
    public FakePeer(byte[] infoHash, Func<FakePeer, NetworkStream, CancellationToken, Task> script, bool fast = false)
    {
        InfoHash = infoHash;
        _fast = fast;
        _listener.Start();
        _run = RunAsync(script);
    }

    public byte[] InfoHash { get; }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The 68 bytes of the handshake the client sent.</summary>
    public byte[] ReceivedHandshake { get; private set; } = [];

    /// <summary>Every message the client sent after the handshake: (id, payload); keep-alives are left out.</summary>
    public List<(byte Id, byte[] Payload)> Received { get; } = [];

    private async Task RunAsync(Func<FakePeer, NetworkStream, CancellationToken, Task> script)
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            client.NoDelay = true;
            var stream = client.GetStream();
            ReceivedHandshake = await ReadExactlyAsync(stream, 68, _stop.Token);
            byte[] handshake = HandshakeBytes(InfoHash, Id);
            if (_fast)
                handshake[27] |= 0x04;
            await stream.WriteAsync(handshake, _stop.Token);
            await script(this, stream, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client hung up or the test is over.
        }
    }

    /// <summary>The BEP 3 handshake, written out by hand: 19, "BitTorrent protocol", 8 zero bytes, info hash, peer id.</summary>
    public static byte[] HandshakeBytes(byte[] infoHash, byte[] peerId) =>
        [19, .. "BitTorrent protocol"u8, 0, 0, 0, 0, 0, 0, 0, 0, .. infoHash, .. peerId];

    /// <summary>A message: 4-byte big-endian length (id included), id, payload.</summary>
    public static byte[] Message(byte id, params byte[] payload)
    {
        var bytes = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 1 + payload.Length);
        bytes[4] = id;
        payload.CopyTo(bytes, 5);
        return bytes;
    }

    public static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Reads the client's next message (skipping keep-alives) and records it; null when the client hung up.</summary>
    public async Task<(byte Id, byte[] Payload)?> ReadMessageAsync(NetworkStream stream, CancellationToken ct)
    {
        while (true)
        {
            byte[] length;
            try
            {
                length = await ReadExactlyAsync(stream, 4, ct);
            }
            catch (EndOfStreamException)
            {
                return null;
            }
            int size = BinaryPrimitives.ReadInt32BigEndian(length);
            if (size == 0)
                continue;
            byte[] body = await ReadExactlyAsync(stream, size, ct);
            var message = (body[0], body[1..]);
            lock (Received)
                Received.Add(message);
            return message;
        }
    }

    /// <summary>
    /// Seeds <paramref name="content"/> cut in pieces of <paramref name="pieceLength"/>: bitfield (all
    /// pieces), unchoke, then a piece message for each request. <paramref name="corrupt"/> flips a byte of
    /// every block; <paramref name="holdUntil"/> answers nothing until that many requests are waiting;
    /// <paramref name="has"/> limits the pieces it announces (all by default); like a real peer, it never
    /// answers a request for a piece it does not have.
    /// </summary>
    public static Func<FakePeer, NetworkStream, CancellationToken, Task> Seed(byte[] content, int pieceLength, bool corrupt = false,
        int holdUntil = 1, Func<int, bool>? has = null) =>
        async (peer, stream, ct) =>
        {
            int pieces = (content.Length + pieceLength - 1) / pieceLength;
            var bitfield = new byte[(pieces + 7) / 8];
            for (int i = 0; i < pieces; i++)
                if (has?.Invoke(i) ?? true)
                    bitfield[i / 8] |= (byte)(0x80 >> (i % 8));
            await stream.WriteAsync(Message(5, bitfield), ct);
            await stream.WriteAsync(Message(1), ct);
            var waiting = new List<byte[]>();
            bool holding = true;
            while (await peer.ReadMessageAsync(stream, ct) is { } message)
            {
                if (message.Id != 6)
                    continue;
                waiting.Add(message.Payload);
                if (holding && waiting.Count < holdUntil)
                    continue;
                holding = false;
                foreach (byte[] request in waiting)
                {
                    int index = BinaryPrimitives.ReadInt32BigEndian(request);
                    if (!(has?.Invoke(index) ?? true))
                        continue;
                    int begin = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
                    int length = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));
                    byte[] block = content.AsSpan(index * pieceLength + begin, length).ToArray();
                    if (corrupt)
                        block[0] ^= 0xFF;
                    await stream.WriteAsync(Message(7, [.. Int(index), .. Int(begin), .. block]), ct);
                }
                waiting.Clear();
            }
        };

    /// <summary>Sends the piece message that answers <paramref name="request"/> (a request's 12-byte payload).</summary>
    public static Task AnswerAsync(NetworkStream stream, byte[] content, int pieceLength, byte[] request, CancellationToken ct)
    {
        int index = BinaryPrimitives.ReadInt32BigEndian(request);
        int begin = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
        int length = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));
        byte[] block = content.AsSpan(index * pieceLength + begin, length).ToArray();
        return stream.WriteAsync(Message(7, [.. Int(index), .. Int(begin), .. block]), ct).AsTask();
    }

    /// <summary>Reads and records every message that has already arrived, without waiting for more.</summary>
    public async Task<List<(byte Id, byte[] Payload)>> DrainAsync(NetworkStream stream, CancellationToken ct)
    {
        var messages = new List<(byte Id, byte[] Payload)>();
        while (stream.DataAvailable && await ReadMessageAsync(stream, ct) is { } message)
            messages.Add(message);
        return messages;
    }

    public static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, ct);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _run;
        _stop.Dispose();
    }
}
