using System.Buffers;

namespace MeTorrent.Bencode;

/// <summary>
/// Turns <see cref="BValue"/>s into bencoded bytes (BEP 3). Dictionary keys are written sorted by
/// their raw bytes, so equal dictionaries always encode to equal bytes. Encoding measures the output
/// first, then writes it into one buffer of exactly that size: no growing, no copying.
/// </summary>
public static class BencodeEncoder
{
    public static byte[] Encode(BValue value)
    {
        var output = new byte[EncodedLength(value)];
        int written = Write(value, output);
        System.Diagnostics.Debug.Assert(written == output.Length);
        return output;
    }

    public static void Encode(BValue value, IBufferWriter<byte> output)
    {
        int length = EncodedLength(value);
        output.Advance(Write(value, output.GetSpan(length)));
    }

    /// <summary>The number of bytes <paramref name="value"/> encodes to.</summary>
    public static int EncodedLength(BValue value)
    {
        switch (value)
        {
            case BString s:
                return StringLength(s.Bytes.Length);
            case BInteger i:
                return 2 + DigitCount(i.Value);
            case BList list:
            {
                int length = 2;
                for (int i = 0; i < list.Count; i++)
                    length = checked(length + EncodedLength(list[i]));
                return length;
            }
            case BDictionary dictionary:
            {
                int length = 2;
                var entries = dictionary.Entries;
                for (int i = 0; i < entries.Count; i++)
                    length = checked(length + StringLength(entries[i].Key.Bytes.Length) + EncodedLength(entries[i].Value));
                return length;
            }
            default:
                throw Unsupported(value);
        }
    }

    // LESSON 01-bencode.encoding: write each kind of value in its bencode form; containers recurse.
    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="output"/>; returns the bytes written.</summary>
    private static int Write(BValue value, Span<byte> output)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 5 (encoding): write the value in its bencode form: a string as <length>:<bytes>, an integer as i<digits>e, a list as l<items>e, a dictionary as d<key><value>...e with its keys in raw-byte order. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        switch (value)
        {
            case BString s:
                return WriteString(s.Bytes.Span, output);
            case BInteger i:
            {
                output[0] = (byte)'i';
                int at = 1 + WriteNumber(i.Value, output[1..]);
                output[at] = (byte)'e';
                return at + 1;
            }
            case BList list:
            {
                output[0] = (byte)'l';
                int at = 1;
                for (int i = 0; i < list.Count; i++)
                    at += Write(list[i], output[at..]);
                output[at] = (byte)'e';
                return at + 1;
            }
            case BDictionary dictionary:
            {
                output[0] = (byte)'d';
                int at = 1;
                var entries = SortedByKey(dictionary);
                for (int i = 0; i < entries.Count; i++)
                {
                    at += WriteString(entries[i].Key.Bytes.Span, output[at..]);
                    at += Write(entries[i].Value, output[at..]);
                }
                output[at] = (byte)'e';
                return at + 1;
            }
            default:
                throw Unsupported(value);
        }
        // END SOLUTION
    }

    // LESSON 01-bencode.encoding: BEP 3 wants dictionary keys sorted by their raw bytes (not as text).
    private static IReadOnlyList<KeyValuePair<BString, BValue>> SortedByKey(BDictionary dictionary)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 5 (encoding): BEP 3: dictionary keys appear in sorted order, sorted as raw strings (bytes), not as text. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        var entries = dictionary.Entries;
        for (int i = 1; i < entries.Count; i++)
        {
            if (CompareKeys(entries[i - 1], entries[i]) > 0)
            {
                var sorted = entries.ToArray();
                Array.Sort(sorted, CompareKeys);
                return sorted;
            }
        }
        return entries; // already in order: the common case, no copy
        // END SOLUTION
    }

    private static int CompareKeys(KeyValuePair<BString, BValue> a, KeyValuePair<BString, BValue> b) =>
        a.Key.Bytes.Span.SequenceCompareTo(b.Key.Bytes.Span);

    private static int WriteString(ReadOnlySpan<byte> bytes, Span<byte> output)
    {
        int at = WriteNumber(bytes.Length, output);
        output[at++] = (byte)':';
        bytes.CopyTo(output[at..]);
        return at + bytes.Length;
    }

    private static int WriteNumber(long number, Span<byte> output)
    {
        number.TryFormat(output, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }

    private static int StringLength(int byteCount) => checked(DigitCount(byteCount) + 1 + byteCount);

    private static int DigitCount(long number)
    {
        if (number == long.MinValue)
            return 20;
        int digits = number < 0 ? 2 : 1;
        for (ulong n = (ulong)Math.Abs(number); n >= 10; n /= 10)
            digits++;
        return digits;
    }

    private static ArgumentException Unsupported(BValue value) =>
        new($"Cannot bencode a {value.GetType().Name}.", nameof(value));
}
