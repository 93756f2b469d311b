using System.Net;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// Parses "ip:port" from the command line: a dotted IPv4 address (127.0.0.1:6881) or a bracketed
/// IPv6 one ([::1]:6881), with the rules of <see cref="PeerEndpoint"/> (host names are not looked up).
/// </summary>
public static class PeerAddress
{
    public static IPEndPoint Parse(string text) =>
        PeerEndpoint.TryParse(text, out string problem)
        ?? throw new UserError($"\"{text}\" is not a peer address like 127.0.0.1:6881 or [::1]:6881 ({problem})");
}
