namespace MeTorrent.Peer;

/// <summary>
/// Which pieces a peer has: one bit per piece in BEP 3 order — the high bit of byte 0 is piece 0.
/// On the wire the last byte is padded with zero bits ("spare bits"); a peer that sets one is lying
/// about a piece that does not exist, and <see cref="FromBytes"/> refuses it.
/// </summary>
public sealed class Bitfield
{
    private readonly byte[] _bits;

    public Bitfield(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _bits = new byte[ByteLength(count)];
    }

    /// <summary>The bytes a bitfield message for <paramref name="count"/> pieces carries.</summary>
    public static int ByteLength(int count) => (count + 7) / 8;

    /// <summary>Reads a received bitfield; it must be exactly the right length with no spare bit set.</summary>
    public static Bitfield FromBytes(ReadOnlySpan<byte> bytes, int count)
    {
        if (bytes.Length != ByteLength(count))
            throw new PeerProtocolException($"bitfield of {bytes.Length} bytes for {count} pieces (expected {ByteLength(count)})");
        int spare = bytes.Length * 8 - count;
        if (spare > 0 && (bytes[^1] & ((1 << spare) - 1)) != 0)
            throw new PeerProtocolException("bitfield has spare bits set (pieces beyond the last one)");
        var bitfield = new Bitfield(count);
        bitfield.Overwrite(bytes);
        return bitfield;
    }

    /// <summary>Replaces every bit with a checked wire bitfield (same length, spare bits clear).</summary>
    internal void Overwrite(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_bits);
        SetCount = CountBits(_bits);
    }

    public int Count { get; }

    /// <summary>How many pieces are marked present.</summary>
    public int SetCount { get; private set; }

    public bool IsComplete => SetCount == Count;

    public bool IsEmpty => SetCount == 0;

    public bool this[int index]
    {
        get
        {
            CheckIndex(index);
            return (_bits[index >> 3] & Mask(index)) != 0;
        }
        set
        {
            CheckIndex(index);
            ref byte b = ref _bits[index >> 3];
            bool was = (b & Mask(index)) != 0;
            if (was == value) return;
            b = value ? (byte)(b | Mask(index)) : (byte)(b & ~Mask(index));
            SetCount += value ? 1 : -1;
        }
    }

    public void SetAll()
    {
        Array.Fill(_bits, (byte)0xFF);
        int spare = _bits.Length * 8 - Count;
        if (spare > 0)
            _bits[^1] = (byte)(0xFF << spare);
        SetCount = Count;
    }

    public void ClearAll()
    {
        Array.Clear(_bits);
        SetCount = 0;
    }

    /// <summary>The wire form: <see cref="ByteLength"/> bytes, spare bits zero.</summary>
    public byte[] ToBytes() => (byte[])_bits.Clone();

    /// <summary>The wire form without a copy.</summary>
    public ReadOnlySpan<byte> AsSpan() => _bits;

    private static int Mask(int index) => 0x80 >> (index & 7);

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Piece {index} does not exist; there are {Count}.");
    }

    private static int CountBits(byte[] bytes)
    {
        int n = 0;
        foreach (byte b in bytes)
            n += System.Numerics.BitOperations.PopCount(b);
        return n;
    }
}
