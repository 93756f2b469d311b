namespace MeTorrent.Peer.Encryption;

/// <summary>
/// RC4, the stream cipher of BitTorrent's message stream encryption (MSE): the same keystream is XORed over
/// the bytes to encrypt or decrypt, so one method does both. MSE keys each direction with its own SHA-1
/// hash and throws the first 1,024 bytes of keystream away (<see cref="ForMse"/>), since RC4's first bytes
/// leak its key.
/// </summary>
internal sealed class Rc4
{
    private readonly byte[] _state = new byte[256];
    private byte _i;
    private byte _j;

    public Rc4(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > 256)
            throw new ArgumentException("an RC4 key is 1 to 256 bytes", nameof(key));
        for (int i = 0; i < 256; i++)
            _state[i] = (byte)i;
        byte j = 0;
        for (int i = 0; i < 256; i++)
        {
            j = (byte)(j + _state[i] + key[i % key.Length]);
            (_state[i], _state[j]) = (_state[j], _state[i]);
        }
    }

    /// <summary>An RC4 keyed for MSE: its first 1,024 bytes of keystream already discarded.</summary>
    public static Rc4 ForMse(ReadOnlySpan<byte> key)
    {
        var rc4 = new Rc4(key);
        Span<byte> discard = stackalloc byte[1024];
        rc4.Apply(discard);
        return rc4;
    }

    /// <summary>Encrypts or decrypts <paramref name="data"/> in place, continuing the keystream.</summary>
    public void Apply(Span<byte> data)
    {
        for (int k = 0; k < data.Length; k++)
        {
            _i++;
            _j += _state[_i];
            (_state[_i], _state[_j]) = (_state[_j], _state[_i]);
            data[k] ^= _state[(byte)(_state[_i] + _state[_j])];
        }
    }
}
