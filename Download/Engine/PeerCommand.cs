using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>What the loop tells one connection to do. A connection's writer carries them out in order.</summary>
public enum CommandKind
{
    /// <summary>Our pieces, as the first message (<see cref="PeerCommand.Pieces"/>).</summary>
    Bitfield,
    Have,
    Interested,
    NotInterested,
    Choke,
    Unchoke,
    /// <summary>Ask for a block (consecutive requests go out in one write).</summary>
    Request,
    /// <summary>Withdraw a request: endgame, a stall, a choke that dropped it.</summary>
    Cancel,
    /// <summary>Read a block from disk and send it (the request was checked: piece held, range inside it, peer unchoked).</summary>
    Serve,
    /// <summary>The peer withdrew a request: if its block is still queued, it is not sent.</summary>
    Unserve,
    /// <summary>BEP 6: we will not serve this request.</summary>
    Reject,
    KeepAlive,
    /// <summary>BEP 5: the UDP port of our DHT node (<see cref="PeerCommand.Piece"/> holds it).</summary>
    Port,
    /// <summary>BEP 10: our extension handshake (<see cref="PeerCommand.Extensions"/>).</summary>
    ExtensionHandshake,
    /// <summary>BEP 11: peers we are connected to (<see cref="PeerCommand.Pex"/>).</summary>
    Pex,
    /// <summary>BEP 9: a metadata piece, or a reject (<see cref="PeerCommand.Metadata"/>).</summary>
    Metadata,
    /// <summary>End the connection (<see cref="PeerCommand.Reason"/>).</summary>
    Close,
}

/// <summary>
/// One command for one connection, a plain value: what the loop decided, to be written by the
/// connection's own writer task. Unit tests assert on these.
/// </summary>
public readonly record struct PeerCommand(CommandKind Kind, BlockRequest Block = default, int Piece = -1)
{
    public Bitfield? Pieces { get; init; }
    public ExtensionHandshake? Extensions { get; init; }
    public PexMessage? Pex { get; init; }
    public MetadataMessage? Metadata { get; init; }
    public string? Reason { get; init; }

    public static PeerCommand Request(BlockRequest block) => new(CommandKind.Request, block);
    public static PeerCommand Cancel(BlockRequest block) => new(CommandKind.Cancel, block);
    public static PeerCommand Serve(BlockRequest block) => new(CommandKind.Serve, block);
    public static PeerCommand Unserve(BlockRequest block) => new(CommandKind.Unserve, block);
    public static PeerCommand Reject(BlockRequest block) => new(CommandKind.Reject, block);
    public static PeerCommand Have(int piece) => new(CommandKind.Have, Piece: piece);
    public static PeerCommand Close(string reason) => new(CommandKind.Close) { Reason = reason };
    public static PeerCommand Simple(CommandKind kind) => new(kind);

    public override string ToString() => Kind switch
    {
        CommandKind.Request or CommandKind.Cancel or CommandKind.Serve or CommandKind.Unserve or CommandKind.Reject
            => $"{Kind} {Block.Piece}:{Block.Begin}+{Block.Length}",
        CommandKind.Have => $"Have {Piece}",
        CommandKind.Close => $"Close ({Reason})",
        _ => Kind.ToString(),
    };
}
