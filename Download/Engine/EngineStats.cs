namespace MeTorrent.Download.Engine;

/// <summary>Live counters of a <see cref="TorrentEngine"/>, safe to read from any thread (progress display, tests).</summary>
public sealed class EngineStats
{
    private long _payloadReceived, _bytesVerified, _bytesUploaded, _blocksReceived, _blocksUploaded;
    private int _piecesFailed, _peersBanned, _connectedPeers, _piecesVerified;

    public long TotalBytes { get; internal set; }

    /// <summary>Bytes found correct on disk when the engine started (resume).</summary>
    public long BytesAlreadyHad { get; internal set; }

    /// <summary>Block payload received from peers, wasted duplicates and bad data included.</summary>
    public long BytesReceived => Interlocked.Read(ref _payloadReceived);

    /// <summary>Bytes of pieces downloaded this session that passed their hash check.</summary>
    public long BytesVerified => Interlocked.Read(ref _bytesVerified);

    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    public long BlocksReceived => Interlocked.Read(ref _blocksReceived);

    public long BlocksUploaded => Interlocked.Read(ref _blocksUploaded);

    public int PiecesVerified => Volatile.Read(ref _piecesVerified);

    /// <summary>Pieces that failed their hash check and were fetched again.</summary>
    public int PiecesFailed => Volatile.Read(ref _piecesFailed);

    public int PeersBanned => Volatile.Read(ref _peersBanned);

    public int ConnectedPeers => Volatile.Read(ref _connectedPeers);

    /// <summary>The most peers connected at once.</summary>
    public int PeakPeers { get; private set; }

    public long BytesDone => BytesAlreadyHad + BytesVerified;

    /// <summary>
    /// Block payload the sockets wrote straight into pool blocks, and payload copied there from a connection's
    /// read buffer (it had arrived with the bytes before it); counted as each connection ends.
    /// </summary>
    public long BlockBytesStraight => Interlocked.Read(ref _blockBytesStraight);
    public long BlockBytesCopied => Interlocked.Read(ref _blockBytesCopied);

    private long _blockBytesStraight, _blockBytesCopied;

    internal void ConnectionReceived(long straight, long copied)
    {
        Interlocked.Add(ref _blockBytesStraight, straight);
        Interlocked.Add(ref _blockBytesCopied, copied);
    }

    internal void BlockReceived(int length)
    {
        Interlocked.Add(ref _payloadReceived, length);
        Interlocked.Increment(ref _blocksReceived);
    }

    internal void BlockUploaded(int length)
    {
        Interlocked.Add(ref _bytesUploaded, length);
        Interlocked.Increment(ref _blocksUploaded);
    }

    internal void PieceVerified(int length)
    {
        Interlocked.Add(ref _bytesVerified, length);
        Interlocked.Increment(ref _piecesVerified);
    }

    internal void PieceFailed() => Interlocked.Increment(ref _piecesFailed);

    internal void PeerBanned() => Interlocked.Increment(ref _peersBanned);

    internal void PeerConnected()
    {
        int now = Interlocked.Increment(ref _connectedPeers);
        if (now > PeakPeers) PeakPeers = now;
    }

    internal void PeerDisconnected() => Interlocked.Decrement(ref _connectedPeers);
}
