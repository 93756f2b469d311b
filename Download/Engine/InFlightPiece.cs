namespace MeTorrent.Download.Engine;

/// <summary>
/// A piece being downloaded: its blocks as they arrive (each a 16 KiB array from the <see cref="BlockPool"/>,
/// taken as it is, never copied), and per block whether it is free, requested (by how many peers — more
/// than one only in endgame), or received. The piece is written to disk only after its SHA-1 checks, so
/// data on disk is never overwritten with unverified bytes.
/// </summary>
public sealed class InFlightPiece
{
    private readonly byte[]?[] _blocks;
    private readonly byte[] _requests;   // outstanding requests per block
    private readonly PeerRecord?[] _senders;
    private FreeBlockCount? _allFree;

    /// <param name="allFree">the count of free blocks over every piece in flight, which this piece keeps up to date</param>
    public InFlightPiece(int index, int length, FreeBlockCount? allFree = null)
    {
        Index = index;
        Length = length;
        BlockCount = Blocks.CountIn(length);
        _blocks = new byte[BlockCount][];
        _requests = new byte[BlockCount];
        _senders = new PeerRecord?[BlockCount];
        _allFree = allFree;
        FreeCount = BlockCount;
    }

    public int Index { get; }

    public int Length { get; }

    public int BlockCount { get; }

    public int ReceivedCount { get; private set; }

    /// <summary>Blocks neither received nor requested: kept as a count so the picker skips busy pieces without scanning them.</summary>
    public int FreeCount
    {
        get;
        private set
        {
            _allFree?.Add(value - field);
            field = value;
        }
    }

    /// <summary>The connection that started this piece and fetches it first; null once it has gone.</summary>
    public PeerRequests? Owner { get; set; }

    /// <summary>Everyone whose data is in the piece (blamed together if the hash fails).</summary>
    public List<PeerRecord> Contributors { get; } = new(2);

    public bool IsComplete => ReceivedCount == BlockCount;

    public bool IsFree(int block) => _blocks[block] is null && _requests[block] == 0;

    public bool IsReceived(int block) => _blocks[block] is not null;

    public int RequestCount(int block) => _requests[block];

    public int BlockLength(int block) => Blocks.LengthOf(Length, block);

    /// <summary>Who sent a received block (to find the liar when a piece with several senders fails).</summary>
    public PeerRecord? SenderOf(int block) => _senders[block];

    public ReadOnlySpan<byte> BlockData(int block) => _blocks[block].AsSpan(0, BlockLength(block));

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

    /// <summary>The piece is no longer in flight (checked, or dropped at shutdown): its free blocks stop counting.</summary>
    public void LeaveFlight()
    {
        _allFree?.Add(-FreeCount);
        _allFree = null;
    }

    /// <summary>
    /// Takes a block's bytes (the first <see cref="BlockLength"/> of <paramref name="data"/>): the array
    /// becomes part of the piece. False if the block was already received (an endgame duplicate): the
    /// caller keeps the array.
    /// </summary>
    public bool Receive(int block, byte[] data, PeerRecord from)
    {
        if (_blocks[block] is not null)
            return false;
        if (IsFree(block))
            FreeCount--;
        _blocks[block] = data;
        _senders[block] = from;
        ReceivedCount++;
        if (!Contributors.Contains(from))
            Contributors.Add(from);
        return true;
    }

    /// <summary>The whole piece, block after block (for the hash and the write).</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Data()
    {
        for (int b = 0; b < BlockCount; b++)
            yield return _blocks[b].AsMemory(0, BlockLength(b));
    }

    /// <summary>Copies the whole piece out (tests, and the rare reader that needs it in one span).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        for (int b = 0; b < BlockCount; b++)
            BlockData(b).CopyTo(bytes.AsSpan(b * Blocks.Size));
        return bytes;
    }

    /// <summary>Gives the received blocks back to <paramref name="pool"/> (the piece leaves memory).</summary>
    public void ReturnBlocks(BlockPool pool)
    {
        for (int b = 0; b < BlockCount; b++)
        {
            if (_blocks[b] is { } block)
                pool.Return(block);
            _blocks[b] = null;
        }
    }
}
