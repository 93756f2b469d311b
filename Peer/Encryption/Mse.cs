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
}
