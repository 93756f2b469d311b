namespace MeTorrent.Metainfo;

/// <summary>
/// The 20-byte SHA-1 of a torrent's bencoded info dictionary (BEP 3): the name of a torrent in every
/// tracker request and peer handshake.
/// </summary>
public readonly struct InfoHash : IEquatable<InfoHash>
{
    public const int Length = 20;

    private static readonly byte[] Zero = new byte[Length];

    private readonly byte[]? _stored;

    // default(InfoHash) reads as twenty zero bytes rather than crashing.
    private byte[] Raw => _stored ?? Zero;

    public InfoHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"An info hash has {Length} bytes, not {bytes.Length}.", nameof(bytes));
        _stored = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => Raw;

    /// <summary>Lower-case hexadecimal, as the course and most clients print it.</summary>
    public string Hex => Convert.ToHexStringLower(Raw);

    public byte[] ToArray() => (byte[])Raw.Clone();

    /// <summary>Parses 40 hexadecimal digits (either case); throws <see cref="FormatException"/> otherwise.</summary>
    public static InfoHash FromHex(string hex)
    {
        if (hex.Length != Length * 2)
            throw new FormatException($"An info hash is {Length * 2} hex digits, not {hex.Length}.");
        return new InfoHash(Convert.FromHexString(hex));
    }

    /// <summary>The SHA-1 of <paramref name="infoDictionaryBytes"/>: the bencoded info dictionary, byte for byte.</summary>
    // LESSON 02-metainfo.info-hash: the info hash is the SHA-1 of the info dictionary's bytes exactly as
    // they appear in the file: hash the slice, never a re-encoding (BEP 3).
    public static InfoHash Compute(ReadOnlySpan<byte> infoDictionaryBytes)
    {
        // STUB: throw new NotImplementedException("Lesson 02 step 2 (info hash): BEP 3: the info hash is the SHA-1 of the info dictionary's bencoded bytes, exactly as they are in the file. Stuck? Lessons/02-Metainfo/HINTS.md");
        // BEGIN SOLUTION
        return new(System.Security.Cryptography.SHA1.HashData(infoDictionaryBytes));
        // END SOLUTION
    }

    public bool Equals(InfoHash other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is InfoHash other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(Raw, 0);

    public override string ToString() => Hex;

    public static bool operator ==(InfoHash a, InfoHash b) => a.Equals(b);

    public static bool operator !=(InfoHash a, InfoHash b) => !a.Equals(b);
}
