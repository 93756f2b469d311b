using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// A 160-bit identifier in the DHT's key space (BEP 5): a node's id, or an info hash, which lives in the
/// same space. "Close" means a small XOR distance, read as an unsigned big-endian number.
/// Stored as three big-endian words so that comparing distances needs no allocation.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>
{
    public const int Length = 20;
    public const int Bits = 160;

    private readonly ulong _high;  // bytes 0..7
    private readonly ulong _middle; // bytes 8..15
    private readonly uint _low;    // bytes 16..19

    private NodeId(ulong high, ulong middle, uint low) => (_high, _middle, _low) = (high, middle, low);

    public NodeId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a node id is 20 bytes, not {bytes.Length}", nameof(bytes));
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _middle = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    public static NodeId Random() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>Reads 40 hexadecimal digits.</summary>
    public static bool TryParseHex(string hex, out NodeId id)
    {
        id = default;
        if (hex.Length != 2 * Length || !hex.All(char.IsAsciiHexDigit))
            return false;
        id = new NodeId(Convert.FromHexString(hex));
        return true;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _low);
    }

    /// <summary>The XOR metric of Kademlia: d(a, b) = a XOR b.</summary>
    // LESSON 10-dht.distance: the distance between two ids is their XOR, bit by bit.
    public NodeId DistanceTo(NodeId other)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 1 (distance): BEP 5: distance(A, B) = |A xor B|, the two ids XORed bit by bit. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        return new(_high ^ other._high, _middle ^ other._middle, _low ^ other._low);
        // END SOLUTION
    }

    /// <summary>How many leading bits the two ids share (160 when equal): the index of the bucket a node belongs to.</summary>
    // LESSON 10-dht.distance: the leading zero bits of the distance, counted from the first byte's high bit.
    public int CommonPrefixLength(NodeId other)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 1 (distance): the number of leading bits two ids share, from the most significant bit of the first byte: 0 to 160. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        var d = DistanceTo(other);
        if (d._high != 0) return System.Numerics.BitOperations.LeadingZeroCount(d._high);
        if (d._middle != 0) return 64 + System.Numerics.BitOperations.LeadingZeroCount(d._middle);
        if (d._low != 0) return 128 + System.Numerics.BitOperations.LeadingZeroCount(d._low);
        return Bits;
        // END SOLUTION
    }

    /// <summary>Negative if <paramref name="a"/> is closer to this id than <paramref name="b"/> is, 0 if as close.</summary>
    public int CompareDistance(NodeId a, NodeId b) => DistanceTo(a).CompareTo(DistanceTo(b));

    /// <summary>Orders ids as unsigned 160-bit big-endian numbers: the first byte weighs most.</summary>
    // LESSON 10-dht.distance: compare as one unsigned 160-bit number: the most significant word first, unsigned.
    private int CompareTo(NodeId other)
    {
        // STUB: throw new NotImplementedException("Lesson 10 step 1 (distance): BEP 5: distances are compared as unsigned integers — the first byte is the most significant, and 0x80 is larger than 0x7f. Stuck? Lessons/10-Dht/HINTS.md");
        // BEGIN SOLUTION
        return _high != other._high ? _high.CompareTo(other._high)
            : _middle != other._middle ? _middle.CompareTo(other._middle)
            : _low.CompareTo(other._low);
        // END SOLUTION
    }

    /// <summary>
    /// A random id that shares exactly <paramref name="prefixLength"/> leading bits with this one: a target
    /// that falls in bucket <paramref name="prefixLength"/> of a table centred on this id (bucket refresh).
    /// </summary>
    public NodeId RandomWithCommonPrefix(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(prefixLength, Bits);
        var mine = ToArray();
        var bytes = RandomNumberGenerator.GetBytes(Length);
        for (int bit = 0; bit <= prefixLength; bit++)
        {
            int index = bit / 8, mask = 0x80 >> (bit % 8);
            bool value = (mine[index] & mask) != 0;
            if (bit == prefixLength)
                value = !value; // the first differing bit
            bytes[index] = (byte)(value ? bytes[index] | mask : bytes[index] & ~mask);
        }
        return new NodeId(bytes);
    }

    public bool Equals(NodeId other) => _high == other._high && _middle == other._middle && _low == other._low;
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_high, _middle, _low);
    public static bool operator ==(NodeId a, NodeId b) => a.Equals(b);
    public static bool operator !=(NodeId a, NodeId b) => !a.Equals(b);

    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
