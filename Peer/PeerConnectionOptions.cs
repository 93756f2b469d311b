namespace MeTorrent.Peer;

/// <summary>Limits and features of one peer connection.</summary>
public sealed class PeerConnectionOptions
{
    /// <summary>Time to open the TCP connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for the peer's handshake to arrive once connected (aria2 takes about 1 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait for the next message (peers send a keep-alive every ~2 minutes).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Longest a single send may take before the peer is deemed stuck.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The torrent's piece count: bitfields must match it, haves and requests must be below it.</summary>
    public int PieceCount { get; init; }

    /// <summary>What we announce in the handshake; an extension is used only if the peer announces it too.</summary>
    public PeerFeatures Features { get; init; } = PeerFeatures.Extensions | PeerFeatures.Fast;
}
