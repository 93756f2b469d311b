using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// A leecher written with raw bytes, free to break the rules a real <c>PeerConnection</c> enforces on
/// what it sends (it refuses to ask for more than 16 KiB): handshake, interested, then whatever a test
/// wants to write, and a reader of the seeder's messages.
/// </summary>
public sealed class RawLeecher : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawLeecher(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects, swaps handshakes (plain BEP 3, no extensions).</summary>
    /// <param name="fast">announce BEP 6 (the fast extension), so that the seeder rejects what it will not serve</param>
    /// <param name="receiveBuffer">a small socket receive buffer, for a leecher that does not read</param>
    public static async Task<RawLeecher> ConnectAsync(IPEndPoint seeder, InfoHash infoHash, CancellationToken ct, bool fast = false, int receiveBuffer = 0)
    {
        var client = new TcpClient();
        if (receiveBuffer > 0)
            client.ReceiveBufferSize = receiveBuffer;
        await client.ConnectAsync(seeder, ct);
        var leecher = new RawLeecher(client);
        byte[] handshake = [19, .. "BitTorrent protocol"u8, 0, 0, 0, 0, 0, 0, 0, (byte)(fast ? 0x04 : 0), .. infoHash.ToArray(), .. "-RL0001-rawleecher01"u8];
        await leecher._stream.WriteAsync(handshake, ct);
        await leecher._stream.ReadExactlyAsync(new byte[68], ct);
        return leecher;
    }

    public static byte[] Message(byte id, params int[] numbers)
    {
        var bytes = new byte[5 + 4 * numbers.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 1 + 4 * numbers.Length);
        bytes[4] = id;
        for (int i = 0; i < numbers.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(5 + 4 * i), numbers[i]);
        return bytes;
    }

    public static byte[] Request(int piece, int begin, int length) => Message(6, piece, begin, length);

    public ValueTask SendAsync(byte[] bytes, CancellationToken ct) => _stream.WriteAsync(bytes, ct);

    /// <summary>Sends interested and reads until the seeder unchokes us.</summary>
    public async Task InterestedUntilUnchokedAsync(CancellationToken ct)
    {
        await SendAsync(Message(2), ct);
        while (await ReadAsync(ct) is { } message)
            if (message.Id == 1) return;
        throw new EndOfStreamException("the seeder hung up before unchoking us");
    }

    /// <summary>The seeder's next message (keep-alives skipped), or null when it closed the connection.</summary>
    public async Task<(byte Id, byte[] Payload)?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var prefix = new byte[4];
            while (true)
            {
                await _stream.ReadExactlyAsync(prefix, ct);
                int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (length == 0) continue;
                var body = new byte[length];
                await _stream.ReadExactlyAsync(body, ct);
                return (body[0], body[1..]);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    /// <summary>Reads every message until the seeder hangs up: their ids, in order.</summary>
    public async Task<List<byte>> IdsUntilClosedAsync(CancellationToken ct)
    {
        var ids = new List<byte>();
        while (await ReadAsync(ct) is { } message)
            ids.Add(message.Id);
        return ids;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
