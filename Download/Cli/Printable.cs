using System.Text;

namespace MeTorrent.Download.Cli;

/// <summary>
/// Makes text from a torrent or a peer safe to print. A hostile torrent may name a file
/// "\e]0;...\a" (terminal escape sequences that retitle the window or worse) or put a newline in
/// a name to fake extra output lines; control characters are shown as \n, \t or \xNN instead.
/// </summary>
public static class Printable
{
    public static string Text(string text)
    {
        if (!text.Any(IsControl))
            return text;
        var safe = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (!IsControl(c)) safe.Append(c);
            else if (c == '\n') safe.Append("\\n");
            else if (c == '\t') safe.Append("\\t");
            else if (c == '\r') safe.Append("\\r");
            else safe.Append(c <= 0xFF ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        }
        return safe.ToString();
    }

    // C0 controls, DEL, C1 controls (0x80-0x9F: some terminals read 0x9B as an escape), and the
    // Unicode line/paragraph separators and bidirectional overrides that can disguise a name.
    private static bool IsControl(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
