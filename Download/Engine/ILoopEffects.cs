namespace MeTorrent.Download.Engine;

/// <summary>
/// What the loop asks of the engine around it, besides commands to connections: work that must not run
/// on the loop (hashing, writing, dialling) and news for whoever awaits the download. Each result comes
/// back to the loop as an event. Unit tests implement it to see what the loop decided.
/// </summary>
internal interface ILoopEffects
{
    /// <summary>Hash the completed piece, write it if good; report back with <see cref="TorrentLoop.OnPieceChecked"/>.</summary>
    void Verify(InFlightPiece piece);

    /// <summary>Connect to the peer; report back with <see cref="TorrentLoop.OnPeerJoined"/> or <see cref="TorrentLoop.OnDialFailed"/>.</summary>
    void Dial(PeerRecord record);

    /// <summary>Every piece is verified on disk.</summary>
    void Completed();

    /// <summary>The download cannot finish (no progress, a failing disk).</summary>
    void Failed(EngineException error);

    void Log(string line);

    /// <summary>
    /// Why the trackers gave us no peers, for the no-progress message: their last failure, or that they returned
    /// none; null when no tracker is asked.
    /// </summary>
    string? TrackerTrouble { get; }
}
