using System.Net;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>Something that happened, posted to the torrent's loop by a connection, a worker or the clock.</summary>
internal abstract record EngineEvent;

/// <summary>A handshake succeeded. <paramref name="Dialled"/>: the pool's record when we dialled; null when the peer dialled us.</summary>
internal sealed record PeerJoined(PeerLink Link, PeerRecord? Dialled) : EngineEvent;

/// <summary>
/// A message from a peer. Its payload is the event's own copy; a block's comes from the <see cref="BlockPool"/> (<paramref name="Rented"/>), which
/// the loop returns to once it has copied the bytes into their piece.
/// </summary>
internal sealed record MessageArrived(PeerLink Link, PeerMessage Message, byte[]? Rented) : EngineEvent;

/// <summary>The peer's extension handshake (BEP 10), decoded by its connection.</summary>
internal sealed record ExtensionsArrived(PeerLink Link, ExtensionHandshake Extensions) : EngineEvent;

internal sealed record PeerLeft(PeerLink Link, string Reason) : EngineEvent;

internal sealed record DialFailed(PeerRecord Record, string Reason) : EngineEvent;

internal sealed record PieceChecked(InFlightPiece Piece, bool Good, Exception? DiskError) : EngineEvent;

internal sealed record PeersFound(IReadOnlyList<IPEndPoint> EndPoints) : EngineEvent;

internal sealed record Tick : EngineEvent;

/// <summary>Someone wants a picture of the swarm (the piece map): the loop answers through the completion source.</summary>
internal sealed record ViewRequested(TaskCompletionSource<SwarmView> Answer) : EngineEvent;
