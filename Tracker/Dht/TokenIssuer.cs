using System.Net;
using System.Security.Cryptography;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// The tokens of get_peers / announce_peer (BEP 5): a node may only announce from an IP address that
/// recently asked us get_peers, proven by echoing the token we handed it. A token is a hash of the
/// asker's IP and a secret; the secret changes every 5 minutes and the previous one is still accepted,
/// so a token stays valid for 5 to 10 minutes. Nothing is stored per asker.
/// </summary>
public sealed class TokenIssuer(TimeProvider time)
{
    public static readonly TimeSpan RotationInterval = TimeSpan.FromMinutes(5);
    public const int TokenLength = 8;

    private byte[] _current = RandomNumberGenerator.GetBytes(16);
    private byte[] _previous = RandomNumberGenerator.GetBytes(16);
    private DateTimeOffset _rotatedAt = time.GetUtcNow();
    private readonly Lock _lock = new();

    public byte[] Issue(IPAddress asker)
    {
        lock (_lock)
        {
            Rotate();
            return Make(_current, asker);
        }
    }

    public bool IsValid(ReadOnlySpan<byte> token, IPAddress asker)
    {
        lock (_lock)
        {
            Rotate();
            return CryptographicOperations.FixedTimeEquals(token, Make(_current, asker))
                || CryptographicOperations.FixedTimeEquals(token, Make(_previous, asker));
        }
    }

    private void Rotate()
    {
        var now = time.GetUtcNow();
        while (now - _rotatedAt >= RotationInterval)
        {
            _previous = _current;
            _current = RandomNumberGenerator.GetBytes(16);
            _rotatedAt += RotationInterval;
        }
    }

    private static byte[] Make(byte[] secret, IPAddress asker)
    {
        var address = asker.IsIPv4MappedToIPv6 ? asker.MapToIPv4() : asker;
        return HMACSHA1.HashData(secret, address.GetAddressBytes())[..TokenLength];
    }
}
