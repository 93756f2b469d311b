using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Small helpers shared by the lesson 01 tests: bencode written as text, bytes shown as text.</summary>
internal static class LessonBencode
{
    /// <summary>Latin-1 maps each char to one byte, so "3:\u00ff\u0000x" is exactly those five bytes.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static BValue Decode(string bencode) => BencodeDecoder.Decode(Bytes(bencode));

    public static string Encode(BValue value) => Text(BencodeEncoder.Encode(value));

    /// <summary>Decodes input that is valid bencode: an exception from the decoder fails the test naming <paramref name="rule"/>.</summary>
    public static BValue DecodeValid(string bencode, string rule) =>
        LessonAssert.Valid(() => Decode(bencode), $"\"{bencode}\" is valid bencode. {rule}");

    /// <summary>Encodes a value: an exception from the encoder fails the test naming <paramref name="rule"/>.</summary>
    public static string EncodeValid(BValue value, string rule) =>
        LessonAssert.Valid(() => Encode(value), $"Step 5 (encoding): {rule}");
}
