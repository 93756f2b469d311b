using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace MeTorrent.Peer;

/// <summary>A frame as <see cref="FrameReader.ReadAsync"/> returns it: a piece's payload may be in a rented block.</summary>
/// <param name="Body">the frame after its length (id first); for a piece in <paramref name="Block"/>, only id, index and begin</param>
/// <param name="Block">the rented array holding the piece's payload, now the caller's; null when the payload is in <paramref name="Body"/></param>
/// <param name="BlockLength">the payload's length in <paramref name="Block"/></param>
internal readonly record struct Frame(ReadOnlyMemory<byte> Body, byte[]? Block = null, int BlockLength = 0);

/// <summary>
/// Receiving pieces straight into their blocks (<see cref="ReceiveBlocksInto"/>). A piece's payload is read into a
/// rented block once its 13-byte header (length, id, index, begin) has arrived. Reading a header, then a payload,
/// would cost two system calls per 16 KiB block; so each read is a scatter read that also guesses what comes
/// next: a few more full-block pieces, each header into a 13-byte slot and its payload into a spare block. Peers
/// answer a run of requests with a run of pieces, so the guess is almost always right, and a read takes in
/// about 64 KiB, as an ordinary read would. When a header turns out to be something else (a have, a shorter
/// last block), the bytes from there on are moved into the read buffer and read as usual.
/// </summary>
internal sealed partial class FrameReader
{
    private const int PieceHeaderLength = 13;  // length (4), id (1), index (4), begin (4); then the payload
    private const byte PieceId = 7;
    private const int PiecesAhead = PeerConnection.SpareBlocks;   // guessed per read: with the piece being read, ~64 KiB per system call

    // Made by ReceiveBlocksInto: a connection that never downloads (a handshake, a seeder's peer) holds none of it.
    private IBlockBuffers? _blocks;
    private Func<bool> _expectPieces = () => false;
    private SocketReceiver? _receiver;
    private ReceivedPiece[] _pieces = [];    // a ring: received or being received, in order
    private int _first, _count;              // only the last one may still be incomplete
    private byte[]?[] _spare = [];
    private byte[] _slots = [];
    private readonly List<ArraySegment<byte>> _segments = [];

    /// <summary>A piece received into a block; <see cref="Header"/> is id, index and begin.</summary>
    private sealed class ReceivedPiece
    {
        public readonly byte[] Header = new byte[PieceHeaderLength - 4];
        public byte[]? Block;
        public int Length, Filled;
        public bool IsComplete => Filled == Length;
    }

    private static ReceivedPiece[] NewPieces()
    {
        var pieces = new ReceivedPiece[PiecesAhead + 1];
        for (int i = 0; i < pieces.Length; i++)
            pieces[i] = new ReceivedPiece();
        return pieces;
    }

    /// <summary>Payload bytes the socket wrote straight into their block, and bytes copied there from the read buffer.</summary>
    public long BlockBytesStraight { get; private set; }
    public long BlockBytesCopied { get; private set; }

    /// <summary>
    /// From now on a piece's payload of at most a block is read into a block from <paramref name="blocks"/>, while
    /// <paramref name="expectPieces"/> says pieces may come (we are interested). With a <paramref name="socket"/>, by
    /// scatter reads that take in the next pieces too; over any other stream, payload by payload.
    /// </summary>
    public void ReceiveBlocksInto(IBlockBuffers blocks, Func<bool> expectPieces, Socket? socket)
    {
        _blocks = blocks;
        _expectPieces = expectPieces;
        _receiver = socket is null ? null : new SocketReceiver(socket);
        _pieces = NewPieces();
        _spare = new byte[PiecesAhead][];
        _slots = new byte[(PiecesAhead + 1) * PieceHeaderLength];
    }

    /// <summary>
    /// The next frame, like <see cref="ReadFrameAsync"/>; but once <see cref="ReceiveBlocksInto"/> was called, a
    /// piece of at most a block comes in a rented block that the caller now owns.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Frame> ReadAsync(CancellationToken ct)
    {
        // Expecting no piece (a seeder's connections), frames are read as usual: a read takes in all that has arrived,
        // where reading a header on its own would cost a system call more for every burst of requests.
        if (_blocks is null || _count == 0 && !_expectPieces())
            return new Frame(await ReadFrameAsync(ct));
        Consume();
        if (_count == 0 && !await StartPieceAsync(ct))
            return new Frame(await ReadFrameAsync(ct));  // not a piece for a block: read as usual, the same bytes again
        while (!_pieces[_first].IsComplete)
            await ReceiveAsync(ct);
        return TakeFirst();
    }

    /// <summary>
    /// Reads the next message's header, with no byte beyond it: the bytes after a piece's header are its payload,
    /// which belongs in a block, not in the read buffer. If it is a piece of at most a block, starts it in a rented
    /// block (with what the read buffer already holds of its payload) and says true.
    /// </summary>
    private async ValueTask<bool> StartPieceAsync(CancellationToken ct)
    {
        await FillAsync(4, ct, noFurther: true);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start, 4));
        if (length == 0)
            return false;   // a keep-alive
        await FillAsync(5, ct, noFurther: true);
        uint payload = length - (PieceHeaderLength - 4);
        if (_buffer[_start + 4] != PieceId || length < PieceHeaderLength - 4 || payload > (uint)_blocks!.BlockLength)
            return false;
        _checkLength(PieceId, (int)length);
        await FillAsync(PieceHeaderLength, ct, noFurther: true);
        var piece = Add(_buffer.AsSpan(_start + 4, PieceHeaderLength - 4), _blocks.Rent(), (int)payload);
        _start += PieceHeaderLength;
        int buffered = Math.Min(_end - _start, piece.Length);
        _buffer.AsSpan(_start, buffered).CopyTo(piece.Block);
        _start += buffered;
        piece.Filled = buffered;
        BlockBytesCopied += buffered;
        return true;
    }

    private ReceivedPiece Add(ReadOnlySpan<byte> header, byte[] block, int length)
    {
        var piece = _pieces[(_first + _count++) % _pieces.Length];
        header.CopyTo(piece.Header);
        piece.Block = block;
        piece.Length = length;
        piece.Filled = 0;
        return piece;
    }

    private Frame TakeFirst()
    {
        var piece = _pieces[_first];
        var block = piece.Block!;
        piece.Block = null;
        _first = (_first + 1) % _pieces.Length;
        _count--;
        return new Frame(piece.Header, block, piece.Length);
    }

    /// <summary>
    /// One read for the incomplete piece (the last one; the read buffer is empty). Over a socket, the same system
    /// call takes in what follows: guessed to be full-block pieces, each header into a slot and its payload into a
    /// spare block, then one more header.
    /// </summary>
    private async ValueTask ReceiveAsync(CancellationToken ct)
    {
        var piece = _pieces[(_first + _count - 1) % _pieces.Length];
        var rest = new ArraySegment<byte>(piece.Block!, piece.Filled, piece.Length - piece.Filled);
        _start = _end = 0;
        int n;
        if (_receiver is null)
            n = await _stream.ReadAsync(rest, ct);
        else
        {
            // The incomplete piece is the only one held (the loop in ReadAsync ends when the first one is whole),
            // so the ring has room for every guess.
            _segments.Clear();
            _segments.Add(rest);
            for (int k = 0; k < PiecesAhead; k++)
            {
                _segments.Add(new ArraySegment<byte>(_slots, k * PieceHeaderLength, PieceHeaderLength));
                _segments.Add(_spare[k] ??= _blocks!.Rent());
            }
            _segments.Add(new ArraySegment<byte>(_slots, PiecesAhead * PieceHeaderLength, PieceHeaderLength));
            n = await _receiver.ReceiveAsync(_segments, ct);
        }
        if (n == 0)
            throw new EndOfStreamException("the peer closed the connection");
        BytesRead += n;
        int intoPiece = Math.Min(n, rest.Count);
        piece.Filled += intoPiece;
        BlockBytesStraight += intoPiece;
        if (n > intoPiece)
            TakeGuesses(n - intoPiece);
    }

    /// <summary>Sorts out the <paramref name="n"/> bytes a scatter read put after the incomplete piece.</summary>
    private void TakeGuesses(int n)
    {
        int blockLength = _blocks!.BlockLength;
        for (int k = 0; n > 0; k++)
        {
            var slot = _slots.AsSpan(k * PieceHeaderLength, PieceHeaderLength);
            bool isBlock = k < PiecesAhead && n >= PieceHeaderLength
                && BinaryPrimitives.ReadUInt32BigEndian(slot) == PieceHeaderLength - 4 + blockLength && slot[4] == PieceId;
            if (!isBlock)
            {
                MoveToReadBuffer(k, n);
                return;
            }
            var piece = Add(slot[4..], _spare[k]!, blockLength);
            _spare[k] = null;
            n -= PieceHeaderLength;
            piece.Filled = Math.Min(n, blockLength);
            n -= piece.Filled;
            BlockBytesStraight += piece.Filled;
        }
    }

    /// <summary>
    /// A guess was wrong: the <paramref name="n"/> bytes from slot <paramref name="k"/> on (the slot, then its spare
    /// block, the next slot, ...) go into the read buffer, to be read as usual. Its spare blocks stay spare.
    /// </summary>
    private void MoveToReadBuffer(int k, int n)
    {
        for (; n > 0; k++)
        {
            int fromSlot = Math.Min(n, PieceHeaderLength);
            _slots.AsSpan(k * PieceHeaderLength, fromSlot).CopyTo(_buffer.AsSpan(_end));
            _end += fromSlot;
            n -= fromSlot;
            if (n == 0)
                break;
            int fromBlock = Math.Min(n, _spare[k]!.Length);
            _spare[k].AsSpan(0, fromBlock).CopyTo(_buffer.AsSpan(_end));
            _end += fromBlock;
            n -= fromBlock;
        }
    }

    /// <summary>Gives back the blocks of pieces not taken and the spare ones (no read is in flight).</summary>
    private void ReturnBlocks()
    {
        for (; _count > 0; _count--, _first = (_first + 1) % _pieces.Length)
        {
            _blocks!.Return(_pieces[_first].Block!);
            _pieces[_first].Block = null;
        }
        for (int k = 0; k < _spare.Length; k++)
        {
            if (_spare[k] is { } spare)
                _blocks!.Return(spare);
            _spare[k] = null;
        }
    }
}
