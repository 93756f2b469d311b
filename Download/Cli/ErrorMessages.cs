using System.Net.Sockets;
using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>
/// Which exceptions are the world's fault rather than a bug (a bad file, a dead peer, a full disk),
/// and the one line to show for each. Anything else is a bug and keeps its stack trace.
/// </summary>
public static class ErrorMessages
{
    public static string? Describe(Exception e) => e switch
    {
        MetainfoException or BencodeException => e.Message,
        TrackerException => e.Message,
        PeerProtocolException => $"peer broke the protocol: {e.Message}",
        SocketException s => $"network error: {s.Message}",
        IOException or UnauthorizedAccessException => e.Message,
        TimeoutException => e.Message,
        HttpRequestException => e.Message,
        _ => null,
    };
}
