namespace MeTorrent.Peer;

/// <summary>
/// The first byte of every peer wire message (BEP 3; 13–17 from BEP 6; 20 from BEP 10).
/// <see cref="KeepAlive"/> never appears on the wire: a keep-alive is a message of length 0.
/// </summary>
public enum MessageId : byte
{
    Choke = 0,
    Unchoke = 1,
    Interested = 2,
    NotInterested = 3,
    Have = 4,
    Bitfield = 5,
    Request = 6,
    Piece = 7,
    Cancel = 8,
    Port = 9,
    Suggest = 13,
    HaveAll = 14,
    HaveNone = 15,
    Reject = 16,
    AllowedFast = 17,
    Extended = 20,
    KeepAlive = 255,
}
