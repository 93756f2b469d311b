namespace MeTorrent.Peer;

/// <summary>The peer broke the protocol (bad handshake, bad framing, a lie about pieces, bad data): close the connection.</summary>
public sealed class PeerProtocolException : Exception
{
    public PeerProtocolException(string message) : base(message) { }

    public PeerProtocolException(string message, Exception inner) : base(message, inner) { }
}
