using System.Net;

namespace MeTorrent.Download.Engine;

/// <summary>
/// What we remember about one peer address across connections: how its pieces fared, whether it is
/// banned, and when we may dial it again.
/// </summary>
public sealed class PeerRecord(IPEndPoint endPoint)
{
    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>Pieces that failed their SHA-1 check with data from this peer in them.</summary>
    public int FailedPieces { get; set; }

    /// <summary>Pieces that passed with data from this peer in them.</summary>
    public int GoodPieces { get; set; }

    /// <summary>Sent bad data repeatedly: never connected to again.</summary>
    public bool IsBanned { get; set; }

    public bool IsConnected { get; set; }

    /// <summary>The peer dialled us: its address has an ephemeral port we cannot dial back.</summary>
    public bool IsIncoming { get; init; }

    /// <summary>Failed or unhelpful connections so far; each one doubles the wait before the next try.</summary>
    public int Failures { get; set; }

    public DateTime RetryAfter { get; set; } = DateTime.MinValue;

    /// <summary>
    /// Our last dial of this peer was answered with an encrypted handshake (MSE: it had hung up on the plain
    /// one, or we require encryption): the next dials open encrypted at once, saving the plain connection the
    /// peer would refuse. Forgotten when a dial fails (the peer may take only plain handshakes now).
    /// </summary>
    public bool NeedsEncryption { get; set; }

    /// <summary>
    /// A peer is banned after two failed pieces, unless it also delivered at least as many good ones
    /// (then it likely just shared pieces with the real liar).
    /// </summary>
    public bool DeservesBan => FailedPieces >= 2 && FailedPieces > GoodPieces;

    public override string ToString() => EndPoint.ToString();
}
