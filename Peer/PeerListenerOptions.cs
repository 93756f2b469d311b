namespace MeTorrent.Peer;

/// <summary>Limits on connections that dialled us and have not finished their handshake yet.</summary>
public sealed class PeerListenerOptions
{
    /// <summary>
    /// Connections in the handshake at once. An honest peer sends its 68 bytes in one round trip, so a
    /// few dozen slots serve any real burst; a full table drops the oldest handshake to make room (a
    /// flood of stalled sockets cannot lock honest peers out, and memory stays bounded).
    /// </summary>
    public int MaxHandshaking { get; init; } = 50;

    /// <summary>
    /// Connections in the handshake from one remote address. Loopback is exempt: on one machine every
    /// local peer (tests, the demo, a private swarm) shares 127.0.0.1, and a local attacker is bounded
    /// by <see cref="MaxHandshaking"/> anyway (see <see cref="LoopbackIsExempt"/>).
    /// </summary>
    public int MaxHandshakingPerAddress { get; init; } = 4;

    /// <summary>Whether loopback addresses skip the per-address limit (true: a local swarm shares one address).</summary>
    public bool LoopbackIsExempt { get; init; } = true;

    /// <summary>Connections the operating system may queue before we accept them.</summary>
    public int Backlog { get; init; } = 128;
}
