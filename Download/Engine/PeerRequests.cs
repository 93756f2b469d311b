using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// One connection's side of the download bookkeeping: the blocks it has asked for and not yet got.
/// Owned by <see cref="DownloadState"/> and only touched under its lock.
/// </summary>
public sealed class PeerRequests(PeerRecord record, PeerConnection? connection = null)
{
    public PeerRecord Record { get; } = record;

    /// <summary>The connection, to send cancels to when another peer delivers a block first (endgame).</summary>
    public PeerConnection? Connection { get; } = connection;

    /// <summary>Each request not yet answered, with the time (Environment.TickCount64) it was made.</summary>
    public Dictionary<BlockRequest, long> Outstanding { get; } = [];

    /// <summary>When the last block from this peer arrived (or when requesting started): for stall detection.</summary>
    public long LastBlockTicks { get; set; } = Environment.TickCount64;

    /// <summary>The connection has ended (<see cref="DownloadState.RemovePeer"/>): no more blocks are handed to it.</summary>
    public bool HasLeft { get; internal set; }
}
