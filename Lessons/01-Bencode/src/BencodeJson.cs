// Lesson 01-Bencode: copied from Bencode/BencodeJson.cs by Lessons/tools. Provided complete; nothing to do here.
using System.Text;

namespace MeTorrent.Bencode;

/// <summary>
/// Prints a value as JSON the way the "build your own BitTorrent" course does:
/// <c>d3:foo3:bar5:helloi52ee</c> becomes <c>{"foo":"bar","hello":52}</c>. Byte strings are shown as
/// UTF-8 text; dictionary keys keep their order.
/// </summary>
public static class BencodeJson
{
    public static string ToJson(BValue value)
    {
        var builder = new StringBuilder();
        Write(value, builder);
        return builder.ToString();
    }

    private static void Write(BValue value, StringBuilder json)
    {
        switch (value)
        {
            case BString s:
                WriteString(s.Text, json);
                break;
            case BInteger i:
                json.Append(i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case BList list:
                json.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0) json.Append(',');
                    Write(list[i], json);
                }
                json.Append(']');
                break;
            case BDictionary dictionary:
                json.Append('{');
                bool first = true;
                foreach (var (key, item) in dictionary)
                {
                    if (!first) json.Append(',');
                    first = false;
                    WriteString(key.Text, json);
                    json.Append(':');
                    Write(item, json);
                }
                json.Append('}');
                break;
        }
    }

    private static void WriteString(string text, StringBuilder json)
    {
        json.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20) json.Append($"\\u{(int)c:x4}");
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
