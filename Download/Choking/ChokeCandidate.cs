namespace MeTorrent.Download.Choking;

/// <summary>
/// What the choker knows about one connected peer at a rechoke: a snapshot the caller (the engine's loop)
/// fills in from its own records. <typeparamref name="TPeer"/> is whatever the caller uses to name a
/// connection; the choker only compares handles for equality.
/// </summary>
/// <param name="Peer">The caller's handle for the connection.</param>
/// <param name="Interested">The peer told us it wants our pieces (it sent `interested`).</param>
/// <param name="DownloadRate">Bytes per second the peer sends us (its upload to us), recently averaged.</param>
/// <param name="UploadRate">Bytes per second we send the peer, recently averaged.</param>
/// <param name="ConnectedFor">How long the connection has been open.</param>
/// <param name="SinceLastBlock">How long since the peer last sent us a block (since it connected, if it never did).</param>
/// <param name="ChokesUs">The peer is choking us (it sent `choke`, or never `unchoke`).</param>
public readonly record struct ChokeCandidate<TPeer>(
    TPeer Peer,
    bool Interested,
    double DownloadRate,
    double UploadRate,
    TimeSpan ConnectedFor,
    TimeSpan SinceLastBlock,
    bool ChokesUs)
    where TPeer : notnull;
