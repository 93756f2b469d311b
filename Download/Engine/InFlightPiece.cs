namespace MeTorrent.Download.Engine;

/// <summary>
/// A piece being downloaded: a buffer (from <see cref="PieceBufferPool"/>) its blocks are copied into, and per block whether it is
/// free, requested (by how many peers — more than one only in endgame), or received. The piece is
/// written to disk only after its SHA-1 checks, so data on disk is never overwritten with unverified bytes.
/// </summary>
public sealed class InFlightPiece
{
    private readonly byte[] _requests;   // outstanding requests per block
    private readonly bool[] _received;
    private readonly PeerRecord?[] _senders;

    public InFlightPiece(int index, int length, byte[] buffer)
    {
        if (buffer.Length < length)
            throw new ArgumentException($"A buffer of {buffer.Length} bytes cannot hold a piece of {length}.", nameof(buffer));
        Index = index;
        Length = length;
        BlockCount = Blocks.CountIn(length);
        _requests = new byte[BlockCount];
        _received = new bool[BlockCount];
        _senders = new PeerRecord?[BlockCount];
        FreeCount = BlockCount;
        Buffer = buffer;
    }

    public int Index { get; }

    public int Length { get; }

    public int BlockCount { get; }

    /// <summary>The received bytes; only the first <see cref="Length"/> count. Given back by <see cref="DetachBuffer"/>.</summary>
    public byte[] Buffer { get; private set; }

    public int ReceivedCount { get; private set; }

    /// <summary>Blocks neither received nor requested: kept as a count so the picker skips busy pieces without scanning them.</summary>
    public int FreeCount { get; private set; }

    /// <summary>The connection that started this piece and fetches it first; null once it has gone.</summary>
    public PeerRequests? Owner { get; set; }

    /// <summary>Everyone whose data is in the buffer (blamed together if the hash fails).</summary>
    public List<PeerRecord> Contributors { get; } = new(2);

    public bool IsComplete => ReceivedCount == BlockCount;

    public bool IsFree(int block) => !_received[block] && _requests[block] == 0;

    public bool IsReceived(int block) => _received[block];

    public int RequestCount(int block) => _requests[block];

    public int BlockLength(int block) => Blocks.LengthOf(Length, block);

    /// <summary>Who sent a received block (to find the liar when a piece with several senders fails).</summary>
    public PeerRecord? SenderOf(int block) => _senders[block];

    public ReadOnlySpan<byte> BlockData(int block) => Buffer.AsSpan(block * Blocks.Size, BlockLength(block));

    public void AddRequest(int block)
    {
        if (IsFree(block))
            FreeCount--;
        _requests[block]++;
    }

    public void RemoveRequest(int block)
    {
        if (_requests[block] == 0)
            return;
        _requests[block]--;
        if (IsFree(block))
            FreeCount++;
    }

    public bool HasFreeBlock() => FreeCount > 0;

    /// <summary>Copies a block in; false if it was already received (an endgame duplicate).</summary>
    public bool Receive(int block, ReadOnlySpan<byte> data, PeerRecord from)
    {
        if (_received[block])
            return false;
        data.CopyTo(Buffer.AsSpan(block * Blocks.Size));
        if (IsFree(block))
            FreeCount--;
        _received[block] = true;
        _senders[block] = from;
        ReceivedCount++;
        if (!Contributors.Contains(from))
            Contributors.Add(from);
        return true;
    }

    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);

    /// <summary>Takes the buffer away (to return it to its pool); null if it was already taken.</summary>
    public byte[]? DetachBuffer()
    {
        var buffer = Buffer;
        Buffer = [];
        return buffer.Length > 0 ? buffer : null;
    }
}
