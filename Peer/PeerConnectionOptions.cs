using MeTorrent.Metainfo;

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

    /// <summary>
    /// For fetching a torrent's metadata (BEP 9) before its piece count is known (PieceCount stays 0):
    /// announcements of pieces (bitfield of any length up to 1 MiB, have, have all / none, suggest,
    /// allowed fast) and requests are read and dropped; we request no blocks, so a piece closes or is dropped
    /// as usual. Only extended messages and the choke / interest flags are of use on such a connection.
    /// </summary>
    public bool MetadataOnly { get; init; }

    /// <summary>
    /// Match every piece and reject with a request of ours (the default): a peer cannot push data we did not
    /// ask for, and a late answer to a cancelled request is dropped. An engine that keeps its own request
    /// ledger turns this off and is handed every well-formed piece and reject, to judge them itself — one
    /// ledger, not two.
    /// </summary>
    public bool MatchAnswers { get; init; } = true;

    /// <summary>
    /// Where piece payloads go: when set, each piece of at most <see cref="IBlockBuffers.BlockLength"/> bytes that
    /// arrives while we are interested is received straight into a rented block, which <see cref="PeerMessage.Block"/> hands to the receiver. Null: a
    /// piece's payload is in the connection's read buffer, valid until the next receive. Not used with <see cref="Trace"/>,
    /// which shows whole frames.
    /// </summary>
    public IBlockBuffers? BlockBuffers { get; init; }

    /// <summary>Sees every handshake and message in both directions (the CLI's --trace, <see cref="WireTrace"/>); null: none.</summary>
    public WireObserver? Trace { get; init; }

    /// <summary>
    /// The torrents an incoming encrypted handshake (MSE, "protocol encryption") may ask for: it names its
    /// torrent only by a hash of the info hash, so the answering side must know the candidates. Empty (the
    /// default): only plain handshakes are taken.
    /// </summary>
    public IReadOnlyList<InfoHash> AnswerEncryptedFor { get; init; } = [];

    /// <summary>How connections we dial open (<see cref="Peer.DialEncryption"/>); plain first by default.</summary>
    public DialEncryption DialEncryption { get; init; } = DialEncryption.PlainThenMse;

    /// <summary>
    /// Incoming connections must open with MSE and take RC4 for the whole stream: a plain handshake, or an
    /// encrypted one that offers only plaintext after it, is refused (with <see cref="AnswerEncryptedFor"/>;
    /// for our own dials, <see cref="DialEncryption.MseRc4"/>).
    /// </summary>
    public bool RequireEncryption { get; init; }

    /// <summary>What we announce in the handshake; an extension is used only if the peer announces it too.</summary>
    public PeerFeatures Features { get; init; } = PeerFeatures.Extensions | PeerFeatures.Fast;
}
