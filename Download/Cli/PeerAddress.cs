using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Download.Cli;

/// <summary>
/// Parses "ip:port" from the command line: a dotted IPv4 address (127.0.0.1:6881) or a bracketed
/// IPv6 one ([::1]:6881). Stricter than <see cref="IPEndPoint.TryParse(string, out IPEndPoint?)"/>,
/// which also takes "1:1" (0.0.0.1) or "0x7f000001:80": a typo must not dial a surprising address.
/// Host names are not looked up.
/// </summary>
public static class PeerAddress
{
    public static IPEndPoint Parse(string text)
    {
        string host, portText;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                throw Bad(text, "put the port after the brackets, like [::1]:6881");
            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0)
                throw Bad(text, "the port is missing");
            host = text[..colon];
            portText = text[(colon + 1)..];
            if (host.Contains(':'))
                throw Bad(text, "put an IPv6 address in brackets, like [::1]:6881");
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw Bad(text, "the port must be a number from 1 to 65535");

        IPAddress? address;
        if (text.StartsWith('['))
        {
            if (!IPAddress.TryParse(host, out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                throw Bad(text, "the part in brackets is not an IPv6 address");
        }
        else if (host.Length == 0)
            throw Bad(text, "the IP address is missing");
        else if (!IsDottedQuad(host) || !IPAddress.TryParse(host, out address))
            throw Bad(text, host.Any(char.IsLetter) && !host.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? "give an IP address; host names are not looked up" : "not an IPv4 address");
        return new IPEndPoint(address, port);
    }

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static UserError Bad(string text, string why) =>
        new($"\"{text}\" is not a peer address like 127.0.0.1:6881 or [::1]:6881 ({why})");
}
