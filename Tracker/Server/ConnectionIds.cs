using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace MeTorrent.Tracker.Server;

/// <summary>
/// UDP connection ids (BEP 15) without a table: an id is a keyed hash (HMAC) of the client's address and
/// the current minute, so the server recognises its own ids and a spoofer cannot guess one. BEP 15 asks
/// trackers to accept an id for two minutes after sending it, so the two previous minutes count too.
/// </summary>
internal sealed class ConnectionIds(TimeProvider time)
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public long Issue(IPAddress client) => Compute(client, CurrentMinute());

    public bool IsValid(long id, IPAddress client)
    {
        long minute = CurrentMinute();
        for (long age = 0; age <= 2; age++)
            if (Compute(client, minute - age) == id)
                return true;
        return false;
    }

    private long CurrentMinute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private long Compute(IPAddress client, long minute)
    {
        Span<byte> input = stackalloc byte[16 + 8];
        client.TryWriteBytes(input, out int written);
        BinaryPrimitives.WriteInt64BigEndian(input[written..], minute);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_secret, input[..(written + 8)], hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }
}
