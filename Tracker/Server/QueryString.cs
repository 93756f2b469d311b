namespace MeTorrent.Tracker.Server;

/// <summary>
/// Splits a URL query into its parameters, percent-decoding each value to raw bytes (an info hash is
/// binary, so the values cannot be decoded as text). Keys are ASCII names; a repeated key keeps its first value.
/// </summary>
internal static class QueryString
{
    /// <exception cref="FormatException">a malformed %XX escape</exception>
    public static Dictionary<string, byte[]> Parse(string query)
    {
        var parameters = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = System.Text.Encoding.ASCII.GetString(Decode(eq < 0 ? pair : pair[..eq]));
            byte[] value = eq < 0 ? [] : Decode(pair[(eq + 1)..]);
            parameters.TryAdd(key, value);
        }
        return parameters;
    }

    private static byte[] Decode(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !IsHex(text[i + 1]) || !IsHex(text[i + 2]))
                    throw new FormatException($"bad percent escape in \"{text}\"");
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+')
                bytes.Add((byte)' ');
            else if (c < 128)
                bytes.Add((byte)c);
            else
                throw new FormatException("a query must be ASCII");
        }
        return bytes.ToArray();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
