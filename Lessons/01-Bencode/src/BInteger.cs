// Lesson 01-Bencode: copied from Bencode/BInteger.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Bencode;

/// <summary>A bencode integer, <c>i&lt;digits&gt;e</c>. 64 bits hold every size a torrent uses.</summary>
public sealed class BInteger(long value) : BValue
{
    public long Value { get; } = value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static implicit operator BInteger(long value) => new(value);
}
