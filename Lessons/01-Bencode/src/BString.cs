// Lesson 01-Bencode: copied from Bencode/BString.cs by Lessons/tools. Provided complete; nothing to do here.
using System.Text;

namespace MeTorrent.Bencode;

/// <summary>
/// A bencode byte string, <c>&lt;length&gt;:&lt;bytes&gt;</c>. It stays bytes (piece hashes and
/// compact peer lists are binary); <see cref="Text"/> is a UTF-8 view for the strings that are text.
/// </summary>
public sealed class BString : BValue, IEquatable<BString>
{
    public BString(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public BString(string text) : this(Encoding.UTF8.GetBytes(text)) { }

    /// <summary>The raw bytes. For a decoded string, a slice of the input: no copy was made.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The bytes read as UTF-8 (invalid sequences become U+FFFD).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public bool Equals(BString? other) => other is not null && Bytes.Span.SequenceEqual(other.Bytes.Span);

    public override bool Equals(object? obj) => Equals(obj as BString);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes.Span);
        return hash.ToHashCode();
    }

    public override string ToString() => Text;

    public static implicit operator BString(string text) => new(text);
}
