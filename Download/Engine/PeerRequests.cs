using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// One peer's part of the request ledger: the blocks it owes us, each with the time it was asked.
/// The other part is in each <see cref="InFlightPiece"/> (per block: how many peers were asked).
/// Owned by <see cref="DownloadState"/>, touched by the torrent's loop only.
/// </summary>
public sealed class PeerRequests(PeerRecord record)
{
    public PeerRecord Record { get; } = record;

    /// <summary>Each request not yet answered, with the time (Environment.TickCount64) it was made.</summary>
    public Dictionary<BlockRequest, long> Outstanding { get; } = [];

    /// <summary>When the last block from this peer arrived (or when requesting started): for stall detection.</summary>
    public long LastBlockTicks { get; set; } = Environment.TickCount64;

    /// <summary>The connection has ended (<see cref="DownloadState.RemovePeer"/>): no more blocks are handed to it.</summary>
    public bool HasLeft { get; internal set; }
}
