namespace MeTorrent.Peer;

/// <summary>How a connection we dial opens: with the plain BitTorrent handshake, or with message stream encryption (MSE).</summary>
public enum DialEncryption
{
    /// <summary>
    /// The plain handshake (every mainstream client takes it, and it costs nothing); a peer that hangs up on it
    /// without a word is dialled once more with MSE — that is what peers set to require encryption do.
    /// </summary>
    PlainThenMse,

    /// <summary>The plain handshake only.</summary>
    Plain,

    /// <summary>MSE, offering plaintext or RC4 for the stream after it: the answering peer chooses.</summary>
    Mse,

    /// <summary>MSE with RC4 for the whole connection (nothing on the wire is readable).</summary>
    MseRc4,
}
