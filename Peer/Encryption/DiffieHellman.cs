using System.Numerics;
using System.Security.Cryptography;

namespace MeTorrent.Peer.Encryption;

/// <summary>
/// MSE's Diffie-Hellman key exchange: a fixed 768-bit prime P and generator 2. Each side picks a secret X
/// (160 random bits), sends Y = 2^X mod P as 96 big-endian bytes, and computes the shared secret
/// S = Y_theirs^X mod P, also as 96 bytes. Neither X nor S ever goes on the wire.
/// </summary>
internal sealed class DiffieHellman
{
    /// <summary>Bytes of a public key or shared secret on the wire.</summary>
    public const int KeyLength = 96;

    private static readonly BigInteger Prime = new(Convert.FromHexString(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563"),
        isUnsigned: true, isBigEndian: true);

    private readonly BigInteger _secret;

    public DiffieHellman() : this(RandomNumberGenerator.GetBytes(20))
    {
    }

    /// <param name="secret">our private X, big-endian (160 bits in practice)</param>
    public DiffieHellman(ReadOnlySpan<byte> secret)
    {
        _secret = new BigInteger(secret, isUnsigned: true, isBigEndian: true);
        PublicKey = ToWire(BigInteger.ModPow(2, _secret, Prime));
    }

    /// <summary>Y = 2^X mod P, 96 big-endian bytes.</summary>
    public byte[] PublicKey { get; }

    /// <summary>
    /// S = Y_theirs^X mod P. A public key outside 2..P-2 is refused: 0, 1 and P-1 would give a secret anyone
    /// could guess.
    /// </summary>
    public byte[] SharedSecret(ReadOnlySpan<byte> theirPublicKey)
    {
        if (theirPublicKey.Length != KeyLength)
            throw new PeerProtocolException($"an MSE public key is {KeyLength} bytes, not {theirPublicKey.Length}");
        var theirs = new BigInteger(theirPublicKey, isUnsigned: true, isBigEndian: true);
        if (theirs < 2 || theirs > Prime - 2)
            throw new PeerProtocolException("the peer's MSE public key is degenerate (outside 2..P-2)");
        return ToWire(BigInteger.ModPow(theirs, _secret, Prime));
    }

    private static byte[] ToWire(BigInteger value)
    {
        var bytes = new byte[KeyLength];
        int length = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(bytes.AsSpan(KeyLength - length), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }
}
