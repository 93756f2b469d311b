using System.Buffers;

namespace MeTorrent.Bencode;

/// <summary>
/// Turns <see cref="BValue"/>s into bencoded bytes (BEP 3). Dictionary keys are written sorted by
/// their raw bytes, so equal dictionaries always encode to equal bytes.
/// </summary>
public static class BencodeEncoder
{
    public static byte[] Encode(BValue value)
    {
        var writer = new ArrayBufferWriter<byte>();
        Encode(value, writer);
        return writer.WrittenSpan.ToArray();
    }

    // LESSON 01-bencode.encoding: write each kind of value in its bencode form; containers recurse.
    public static void Encode(BValue value, IBufferWriter<byte> output)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 5 (encoding): switch on the value: BString -> WriteString; BInteger -> 'i', WriteNumber, 'e'; BList -> 'l', Encode each item, 'e'; BDictionary -> 'd', key (WriteString) and value for each entry of SortedByKey(dictionary), 'e'.");
        // BEGIN SOLUTION
        switch (value)
        {
            case BString s:
                WriteString(s.Bytes.Span, output);
                break;
            case BInteger i:
                WriteByte((byte)'i', output);
                WriteNumber(i.Value, output);
                WriteByte((byte)'e', output);
                break;
            case BList list:
                WriteByte((byte)'l', output);
                foreach (var item in list)
                    Encode(item, output);
                WriteByte((byte)'e', output);
                break;
            case BDictionary dictionary:
                WriteByte((byte)'d', output);
                foreach (var (key, item) in SortedByKey(dictionary))
                {
                    WriteString(key.Bytes.Span, output);
                    Encode(item, output);
                }
                WriteByte((byte)'e', output);
                break;
            default:
                throw new ArgumentException($"Cannot bencode a {value.GetType().Name}.", nameof(value));
        }
        // END SOLUTION
    }

    // LESSON 01-bencode.encoding: BEP 3 wants dictionary keys sorted by their raw bytes (not as text).
    private static IReadOnlyList<KeyValuePair<BString, BValue>> SortedByKey(BDictionary dictionary)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 5 (encoding): return the entries sorted by key bytes: Array.Sort(dictionary.Entries.ToArray(), CompareKeys) compares with SequenceCompareTo, byte by byte.");
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

    private static void WriteString(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        WriteNumber(bytes.Length, output);
        WriteByte((byte)':', output);
        output.Write(bytes);
    }

    private static void WriteNumber(long number, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(20);
        number.TryFormat(span, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteByte(byte b, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
