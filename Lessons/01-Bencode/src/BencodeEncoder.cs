// Lesson 01-Bencode: generated from Bencode/BencodeEncoder.cs by Lessons/tools/lessons.cs. Your file: do the TODOs.
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

    // TODO(01-bencode.encoding): write each kind of value in its bencode form; containers recurse.
    public static void Encode(BValue value, IBufferWriter<byte> output)
    {
        throw new NotImplementedException("Lesson 01 step 5 (encoding): switch on the value: BString -> WriteString; BInteger -> 'i', WriteNumber, 'e'; BList -> 'l', Encode each item, 'e'; BDictionary -> 'd', key (WriteString) and value for each entry of SortedByKey(dictionary), 'e'.");
    }

    // TODO(01-bencode.encoding): BEP 3 wants dictionary keys sorted by their raw bytes (not as text).
    private static IReadOnlyList<KeyValuePair<BString, BValue>> SortedByKey(BDictionary dictionary)
    {
        throw new NotImplementedException("Lesson 01 step 5 (encoding): return the entries sorted by key bytes: Array.Sort(dictionary.Entries.ToArray(), CompareKeys) compares with SequenceCompareTo, byte by byte.");
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
