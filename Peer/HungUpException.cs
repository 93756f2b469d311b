namespace MeTorrent.Peer;

/// <summary>The peer closed the connection on our plain handshake before sending a single byte.</summary>
internal sealed class HungUpException(string message, Exception inner) : EndOfStreamException(message, inner);
