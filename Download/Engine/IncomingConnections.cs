using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Accepts peers that dial us (seeding, or a leecher others can reach) and hands the engine those whose
/// handshake was valid; <see cref="PeerListener"/> bounds what connections stalled in the handshake cost.
/// </summary>
internal sealed class IncomingConnections(IPAddress address, int port) : IDisposable
{
    private readonly PeerListener _listener = new(new IPEndPoint(address, port));

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>Accepts until cancelled; <paramref name="accepted"/> must hand the connection to its own task.</summary>
    public Task RunAsync(InfoHash infoHash, PeerId ourId, PeerConnectionOptions options, Action<PeerConnection> accepted,
        Action<string>? log, CancellationToken ct) =>
        _listener.RunAsync(hash => hash == infoHash, ourId, options, accepted, log, ct);

    public void Dispose() => _listener.Dispose();
}
