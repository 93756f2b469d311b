namespace MeTorrent.Metainfo;

/// <summary>
/// RFC 4648 base32 (A–Z, 2–7), the older spelling of an info hash in magnet links: 32 characters for
/// 20 bytes, so no padding. Lower case is accepted, as clients write both.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Decodes unpadded base32 whose length is a multiple of 8; null if a character is not base32.</summary>
    public static byte[]? Decode(string text)
    {
        if (text.Length % 8 != 0)
            return null;
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, written = 0;
        foreach (char c in text)
        {
            int value = Alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0)
                return null;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return bytes;
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new System.Text.StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0)
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }
}
