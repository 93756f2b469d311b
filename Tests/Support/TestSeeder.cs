using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Support;

/// <summary>
/// A minimal seeding peer for unit tests, on the host's 127.0.0.1 and written independently of
/// MeTorrent.Peer (raw bytes on a socket), so it checks our client against a second implementation.
/// It answers the handshake, announces its pieces, unchokes on interested and serves requests with the
/// checks a real client makes (piece held, range inside the piece, at most 16 KiB, not while choked).
/// What the client did wrong is listed in <see cref="ClientErrors"/>. <see cref="TestSeederOptions"/>
/// switches on misbehaviour. Dispose stops it and closes every connection.
/// </summary>
public sealed class TestSeeder : IAsyncDisposable
{
    private readonly TestTorrent _torrent;
    private readonly TestSeederOptions _options;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _blocksServed;
    private int _connectionCount;

    private TestSeeder(TestTorrent torrent, TestSeederOptions options)
    {
        _torrent = torrent;
        _options = options;
        PeerId = "-TS0001-"u8.ToArray().Concat(RandomNumberGenerator.GetBytes(12)).ToArray();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public static TestSeeder Start(TestTorrent torrent, TestSeederOptions? options = null) => new(torrent, options ?? new());

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public byte[] PeerId { get; }

    public int Connections => Volatile.Read(ref _connectionCount);

    public int BlocksServed => Volatile.Read(ref _blocksServed);

    /// <summary>Protocol mistakes the client made (e.g. a request for more than 16 KiB).</summary>
    public ConcurrentQueue<string> ClientErrors { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _connectionCount);
            _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        var ct = _stop.Token;
        try
        {
            var handshake = new byte[68];
            await stream.ReadExactlyAsync(handshake, ct);
            if (handshake[0] != 19 || !handshake.AsSpan(1, 19).SequenceEqual("BitTorrent protocol"u8)
                || !handshake.AsSpan(28, 20).SequenceEqual(_torrent.InfoHash.Bytes))
            {
                ClientErrors.Enqueue("bad handshake");
                return;
            }
            bool fast = _options.Fast && (handshake[27] & 0x04) != 0;
            await Task.Delay(_options.HandshakeDelay, ct);
            await stream.WriteAsync(OurHandshake(), ct);
            await stream.WriteAsync(Announcement(fast), ct);
            await ServeRequestsAsync(stream, fast, ct);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or SocketException)
        {
            // The client left, or we are stopping.
        }
    }

    private byte[] OurHandshake()
    {
        var bytes = new byte[68];
        bytes[0] = 19;
        "BitTorrent protocol"u8.CopyTo(bytes.AsSpan(1));
        if (_options.Fast)
            bytes[27] |= 0x04;
        _torrent.InfoHash.Bytes.CopyTo(bytes.AsSpan(28));
        if (_options.WrongInfoHash)
            bytes[28] ^= 0xFF;
        PeerId.CopyTo(bytes, 48);
        return bytes;
    }

    /// <summary>The messages before the first request: extras, then bitfield / have all, then a bad have.</summary>
    private byte[] Announcement(bool fast)
    {
        var output = new MemoryStream();
        if (_options.SendExtras)
        {
            output.Write(Frame());                                  // keep-alive
            output.Write(Frame(99, new byte[10]));                  // unknown id: must be skipped
            output.Write(Frame(9, [0x1A, 0xE1]));                   // port 6881
        }
        bool all = _options.HasPiece is null;
        if (fast && all && !_options.BitfieldSpareBits)
            output.Write(Frame(14));                                // have all
        else
        {
            var bits = new byte[(_torrent.PieceCount + 7) / 8];
            for (int i = 0; i < _torrent.PieceCount; i++)
                if (Has(i))
                    bits[i / 8] |= (byte)(0x80 >> (i % 8));
            if (_options.BitfieldSpareBits && _torrent.PieceCount % 8 != 0)
                bits[^1] |= 1;
            output.Write(Frame(5, bits));
        }
        if (_options.HaveOutOfRange)
            output.Write(Frame(4, Ints(_torrent.PieceCount)));
        return output.ToArray();
    }

    private async Task ServeRequestsAsync(NetworkStream stream, bool fast, CancellationToken ct)
    {
        bool choking = true;
        var header = new byte[4];
        if (_options.KeepAliveOnly)
            _connections.Add(KeepAlivesAsync(stream, ct));
        while (true)
        {
            await stream.ReadExactlyAsync(header, ct);
            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length is < 0 or > 1 << 20)
            {
                ClientErrors.Enqueue($"message length {length}");
                return;
            }
            var body = new byte[length];
            await stream.ReadExactlyAsync(body, ct);
            if (length == 0)
                continue;
            switch (body[0])
            {
                case 2 when !_options.NeverUnchoke: // interested
                    choking = false;
                    if (_options.ChokeFloodPairs > 0)
                        await stream.WriteAsync(Enumerable.Repeat<byte[]>([.. Frame(0), .. Frame(1)], _options.ChokeFloodPairs).SelectMany(b => b).ToArray(), ct);
                    await stream.WriteAsync(Frame(1), ct);
                    break;
                case 6 when _options.KeepAliveOnly:
                    break;
                case 6: // request
                    int piece = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1)),
                        begin = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(5)),
                        size = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(9));
                    if (!await ServeAsync(stream, fast, choking, piece, begin, size, ct))
                        return;
                    if (_options.ChokeAfterBlocks > 0 && BlocksServed == _options.ChokeAfterBlocks)
                    {
                        await stream.WriteAsync(Frame(0), ct);  // choke: (without BEP 6) drops the other requests
                        await Task.Delay(200, ct);
                        await DrainAsync(stream, fast, ct);
                        await stream.WriteAsync(Frame(1), ct);  // unchoke
                    }
                    break;
            }
        }
    }

    private static async Task KeepAlivesAsync(NetworkStream stream, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(100, ct);
                await stream.WriteAsync(Frame(), ct);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>Answers one request; false to close the connection.</summary>
    private async Task<bool> ServeAsync(NetworkStream stream, bool fast, bool choking, int piece, int begin, int size, CancellationToken ct)
    {
        string? error = (uint)piece >= (uint)_torrent.PieceCount ? $"request for piece {piece} of {_torrent.PieceCount}"
            : size is <= 0 or > 16384 ? $"request for {size} bytes"
            : begin < 0 || (long)begin + size > _torrent.Torrent.PieceSize(piece) ? $"request {begin}+{size} outside piece {piece}"
            : !Has(piece) ? $"request for piece {piece}, which we never announced"
            : choking ? "request while choked" : null;
        if (error is not null)
        {
            ClientErrors.Enqueue(error);
            if (fast && choking)
                await stream.WriteAsync(Frame(16, Ints(piece, begin, size)), ct); // reject
            return fast;
        }
        if (_options.SendOversizedMessage)
        {
            var oversized = Frame(7, Ints(piece, begin));
            BinaryPrimitives.WriteInt32BigEndian(oversized, 1 << 20); // announces 1 MiB, sends 8 bytes of it
            await stream.WriteAsync(oversized, ct);
            return true;
        }
        if (_options.SendUnrequestedPiece)
            await stream.WriteAsync(Frame(7, [.. Ints(piece, begin + 1), .. new byte[size]]), ct);
        var block = _torrent.Data.AsSpan(piece * _torrent.PieceLength + begin, size).ToArray();
        if (_options.CorruptData)
            block[0] ^= 0xFF;
        await stream.WriteAsync(Frame(7, [.. Ints(piece, begin), .. block]), ct);
        int served = Interlocked.Increment(ref _blocksServed);
        return _options.DisconnectAfterBlocks == 0 || served < _options.DisconnectAfterBlocks;
    }

    /// <summary>
    /// Reads the requests the client sent before our choke reached it: without BEP 6 they are silently
    /// dropped; with it each one is rejected.
    /// </summary>
    private static async Task DrainAsync(NetworkStream stream, bool fast, CancellationToken ct)
    {
        var header = new byte[4];
        while (stream.DataAvailable)
        {
            await stream.ReadExactlyAsync(header, ct);
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
            await stream.ReadExactlyAsync(body, ct);
            if (fast && body.Length == 13 && body[0] == 6)
                await stream.WriteAsync(Frame(16, body[1..]), ct);
        }
    }

    private bool Has(int piece) => _options.HasPiece?.Invoke(piece) ?? true;

    private static byte[] Ints(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>One wire message: length prefix, id, payload (no id: a keep-alive).</summary>
    public static byte[] Frame(byte? id = null, byte[]? payload = null)
    {
        payload ??= [];
        if (id is null)
            return new byte[4];
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1 + payload.Length);
        frame[4] = id.Value;
        payload.CopyTo(frame, 5);
        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
