namespace MeTorrent.Peer;

/// <summary>
/// The largest message of each kind we accept. A length prefix above its limit closes the connection
/// before a single byte is allocated for it — a peer cannot make us buffer 4 GiB by lying in 4 bytes.
/// </summary>
public static class WireLimits
{
    /// <summary>
    /// The block size we request and the largest we serve. BEP 3: "All current implementations use 2^14
    /// (16 kiB), and close connections which request an amount greater than that." Since we never ask
    /// for more, a piece message carrying more than 16 KiB is illegal for us too.
    /// </summary>
    public const int BlockLength = 16 * 1024;

    /// <summary>An extended (BEP 10) message: ample for a metadata piece (16 KiB, BEP 9) or PEX list.</summary>
    public const int MaxExtendedLength = 1024 * 1024;

    /// <summary>A message id we do not know is skipped, but only up to this length.</summary>
    public const int MaxUnknownLength = 1024 * 1024;

    /// <summary>The length (id byte included) a message with <paramref name="id"/> must have, or its upper bound.</summary>
    /// <returns>(exact, max): exact true means the length must equal max.</returns>
    public static (bool Exact, int Max) For(MessageId id, int pieceCount) => id switch
    {
        MessageId.Choke or MessageId.Unchoke or MessageId.Interested or MessageId.NotInterested
            or MessageId.HaveAll or MessageId.HaveNone => (true, 1),
        MessageId.Have or MessageId.Suggest or MessageId.AllowedFast => (true, 5),
        MessageId.Request or MessageId.Cancel or MessageId.Reject => (true, 13),
        MessageId.Port => (true, 3),
        MessageId.Bitfield => (true, 1 + Bitfield.ByteLength(pieceCount)),
        MessageId.Piece => (false, 9 + BlockLength),
        MessageId.Extended => (false, MaxExtendedLength),
        _ => (false, MaxUnknownLength),
    };
}
