using System.Security.Cryptography;
using System.Text;

namespace MeTorrent.Peer.Encryption;

/// <summary>
/// What both sides of message stream encryption (MSE) share: the crypto methods, the bounds the spec puts
/// on padding, the verification constant, and HASH (<see cref="MseInitiator"/> dials, <see cref="MseResponder"/> answers).
/// </summary>
internal static class Mse
{
    /// <summary>The most random padding either side may put after its key (PadA, PadB) or in a crypto block (PadC, PadD).</summary>
    public const int MaxPadding = 512;

    /// <summary>crypto_provide / crypto_select bits: the stream after the handshake stays plain, or goes on in RC4.</summary>
    public const uint Plaintext = 0x01;
    public const uint Rc4Encrypted = 0x02;

    /// <summary>VC: eight zero bytes, sent encrypted so that the other side can check (and find) the keystream.</summary>
    public const int VerificationLength = 8;

    /// <summary>crypto_provide and crypto_select are 4 bytes; len(PadC), len(IA) and len(PadD) 2, all big-endian.</summary>
    public const int MethodsLength = 4;
    public const int LengthLength = 2;

    /// <summary>
    /// The two keystreams of a connection for torrent <paramref name="skey"/>: the dialler (A) encrypts with
    /// HASH('keyA', S, SKEY) and decrypts with HASH('keyB', S, SKEY); the answering side the other way round.
    /// </summary>
    public static (Rc4 Encrypt, Rc4 Decrypt) Ciphers(byte[] secret, byte[] skey, bool dialling)
    {
        var a = Rc4.ForMse(Hash("keyA", secret, skey));
        var b = Rc4.ForMse(Hash("keyB", secret, skey));
        return dialling ? (a, b) : (b, a);
    }

    /// <summary>HASH('req2', SKEY) xor HASH('req3', S): names the torrent without sending its info hash.</summary>
    public static byte[] TorrentProof(byte[] secret, byte[] skey)
    {
        var proof = Hash("req2", skey);
        var req3 = Hash("req3", secret);
        for (int i = 0; i < proof.Length; i++)
            proof[i] ^= req3[i];
        return proof;
    }

    /// <summary>HASH(label, parts...): SHA-1 of the ASCII label followed by the parts.</summary>
    public static byte[] Hash(string label, params byte[][] parts)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes(label));
        foreach (var part in parts)
            sha1.AppendData(part);
        return sha1.GetHashAndReset();
    }

    /// <summary>
    /// Reads until just past <paramref name="marker"/>, the first thing after the other side's random padding:
    /// it must end within <see cref="MaxPadding"/> + its length bytes, or the handshake is refused with <paramref name="missing"/>.
    /// </summary>
    public static async ValueTask SkipPastAsync(byte[] marker, Func<int, ValueTask<ReadOnlyMemory<byte>>> readExact, string missing)
    {
        var seen = new byte[MaxPadding + marker.Length];
        (await readExact(marker.Length)).CopyTo(seen);
        // count: bytes seen so far, the padding and the ones that may be the marker
        for (int count = marker.Length; !seen.AsSpan(count - marker.Length, marker.Length).SequenceEqual(marker); count++)
        {
            if (count == seen.Length)
                throw new PeerProtocolException($"MSE: {missing} within {MaxPadding} bytes of padding");
            seen[count] = (await readExact(1)).Span[0];
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes and decrypts them (padding too: it moves the keystream on).</summary>
    public static async ValueTask<byte[]> ReadDecryptedAsync(int count, Func<int, ValueTask<ReadOnlyMemory<byte>>> readExact, Rc4 decrypt)
    {
        if (count == 0)
            return [];
        var bytes = (await readExact(count)).ToArray();
        decrypt.Apply(bytes);
        return bytes;
    }
}
