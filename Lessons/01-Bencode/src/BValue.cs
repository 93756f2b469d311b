// Lesson 01-Bencode: copied from Bencode/BValue.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Bencode;

/// <summary>
/// A decoded bencode value: a byte string, an integer, a list or a dictionary (BEP 3).
/// A value that came out of the decoder remembers where it stood in the input
/// (<see cref="SourceStart"/>, <see cref="SourceLength"/>), so callers can hash the original bytes:
/// an info hash is the SHA-1 of the info dictionary exactly as it appeared in the file.
/// </summary>
public abstract class BValue
{
    /// <summary>Offset of the value's first byte in the decoded input, or -1 for a value built in code.</summary>
    public int SourceStart { get; internal set; } = -1;

    /// <summary>Number of input bytes the value occupied, or 0 for a value built in code.</summary>
    public int SourceLength { get; internal set; }

    /// <summary>The original bytes of this value, sliced from <paramref name="input"/> (the buffer it was decoded from).</summary>
    public ReadOnlyMemory<byte> SourceBytes(ReadOnlyMemory<byte> input)
    {
        if (SourceStart < 0)
            throw new InvalidOperationException("This value was built in code, not decoded, so it has no source bytes.");
        return input.Slice(SourceStart, SourceLength);
    }
}
