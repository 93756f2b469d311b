// Lesson 01-Bencode: copied from Bencode/BencodeException.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Bencode;

/// <summary>
/// The input is not valid bencode. The message names the byte offset and what was expected there;
/// it is the only exception type the decoder lets escape, whatever the input.
/// </summary>
public sealed class BencodeException(string message, int offset)
    : FormatException($"Invalid bencode at byte {offset}: {message}")
{
    /// <summary>Offset in the input where the problem was found.</summary>
    public int Offset { get; } = offset;
}
