using System.Net;

namespace MeTorrent.Download.Cli;

/// <summary>Parses "ip:port" (IPv4, or [IPv6]:port) from the command line.</summary>
public static class PeerAddress
{
    public static IPEndPoint Parse(string text)
    {
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 || !text.Contains(':'))
            throw new UserError($"\"{text}\" is not a peer address like 127.0.0.1:6881");
        return endpoint;
    }
}
