using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Metainfo;

/// <summary>
/// Reads "ip:port": a dotted IPv4 address (127.0.0.1:6881) or a bracketed IPv6 one ([::1]:6881), as in a
/// magnet link's <c>x.pe</c> and the CLI's <c>--peer</c>. Stricter than <see cref="IPEndPoint.TryParse(string, out IPEndPoint?)"/>,
/// which also takes "1:1" (0.0.0.1) or "0x7f000001:80": a typo must not dial a surprising address.
/// Host names are not looked up.
/// </summary>
public static class PeerEndpoint
{
    /// <summary>The endpoint, or null with <paramref name="problem"/> saying what is wrong in a few words.</summary>
    public static IPEndPoint? TryParse(string text, out string problem)
    {
        problem = "";
        string host, portText;
        bool bracketed = text.StartsWith('[');
        if (bracketed)
        {
            int close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                return Fail(out problem, "put the port after the brackets, like [::1]:6881");
            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0)
                return Fail(out problem, "the port is missing");
            host = text[..colon];
            portText = text[(colon + 1)..];
            if (host.Contains(':'))
                return Fail(out problem, "put an IPv6 address in brackets, like [::1]:6881");
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return Fail(out problem, "the port must be a number from 1 to 65535");

        IPAddress? address;
        if (bracketed)
        {
            if (!IPAddress.TryParse(host, out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return Fail(out problem, "the part in brackets is not an IPv6 address");
        }
        else if (host.Length == 0)
            return Fail(out problem, "the IP address is missing");
        else if (!IsDottedQuad(host) || !IPAddress.TryParse(host, out address))
            return Fail(out problem, host.Any(char.IsLetter) && !host.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? "give an IP address; host names are not looked up" : "not an IPv4 address");
        return new IPEndPoint(address, port);
    }

    /// <summary>"1.2.3.4:5" or "[::1]:5" — the form <see cref="TryParse"/> reads.</summary>
    public static string Format(IPEndPoint endpoint) => endpoint.AddressFamily == AddressFamily.InterNetworkV6
        ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";

    private static IPEndPoint? Fail(out string problem, string why)
    {
        problem = why;
        return null;
    }

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }
}
