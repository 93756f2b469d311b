using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MeTorrent.Peer;

public sealed partial class PeerConnection
{
    private bool _piecesAnnounced;  // a bitfield / have all / have none may come once, before any have
    private readonly ChokeFlood _chokeFlood = new();

    /// <summary>
    /// The next message, after updating the connection's state from it. Throws PeerProtocolException when
    /// the peer breaks the protocol (bad framing, oversized message, out-of-range index, spare bitfield bits,
    /// a BEP 6/10 message that was not negotiated), EndOfStreamException when the peer closes,
    /// TimeoutException when nothing arrives within ReadTimeout. A piece or reject that answers no
    /// outstanding request is dropped, never returned; so are messages with unknown ids.
    /// Payload is valid until the next call.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // no allocation when a read has to wait
    public async ValueTask<PeerMessage> ReceiveAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        await _receiveLock.WaitAsync(ct);
        try
        {
            ThrowIfDisposed();
            var token = ArmReadTimeout(_options.ReadTimeout, ct);
            try
            {
                while (true)
                {
                    var frame = await _reader.ReadAsync(token);
                    _options.Trace?.Invoke(this, outgoing: false, handshake: false, frame.Body.Span);
                    if (InterpretOrReturnBlock(frame, out var message))
                        return message;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"peer {RemoteEndPoint} sent nothing for {_options.ReadTimeout.TotalSeconds:0.#} s");
            }
            finally
            {
                DisarmReadTimeout();
            }
        }
        finally
        {
            _receiveLock.Release();
        }
    }

    /// <summary>Called by the frame reader with a message's id and length, before its body is read.</summary>
    private int CheckLength(byte id, int length)
    {
        var messageId = (MessageId)id;
        if (!IsKnown(messageId))
        {
            if (length > WireLimits.MaxUnknownLength)
                throw new PeerProtocolException($"unknown message id {id} with {length} bytes");
            return 0; // skip it
        }
        // Fetching metadata, the piece count is unknown: a bitfield of any length up to the limit is read (and dropped).
        var (exact, max) = _options.MetadataOnly && messageId == MessageId.Bitfield
            ? (false, WireLimits.MaxUnknownLength) : WireLimits.For(messageId, _options.PieceCount);
        if (exact && length != max)
            throw new PeerProtocolException($"{messageId} message of {length} bytes (must be {max})");
        if (length > max)
            throw new PeerProtocolException($"{messageId} message of {length} bytes exceeds the limit of {max}");
        if (messageId == MessageId.Piece && length < 9 || messageId == MessageId.Extended && length < 2)
            throw new PeerProtocolException($"{messageId} message of {length} bytes is too short");
        return length;
    }

    private static bool IsKnown(MessageId id) =>
        id is <= MessageId.Port or (>= MessageId.Suggest and <= MessageId.AllowedFast) or MessageId.Extended;

    /// <summary>
    /// <see cref="Interpret"/>; a piece's block that will not reach the caller (the piece is dropped, or breaks
    /// the protocol) goes back to its pool.
    /// </summary>
    private bool InterpretOrReturnBlock(Frame frame, out PeerMessage message)
    {
        bool delivered = false;
        try
        {
            delivered = Interpret(frame, out message);
            return delivered;
        }
        finally
        {
            if (!delivered && frame.Block is { } block)
                _options.BlockBuffers!.Return(block);
        }
    }

    /// <summary>Updates the state from one frame; false when the message is to be dropped.</summary>
    private bool Interpret(Frame received, out PeerMessage message)
    {
        var frame = received.Body;
        message = default;
        if (frame.IsEmpty)
        {
            message = new PeerMessage(MessageId.KeepAlive, 0, 0, 0, default);
            return true;
        }
        var id = (MessageId)frame.Span[0];
        var body = frame[1..];
        var span = body.Span;
        if (id is >= MessageId.Suggest and <= MessageId.AllowedFast && !SupportsFast)
            throw new PeerProtocolException($"{id} message, but the fast extension (BEP 6) was not negotiated");
        if (id == MessageId.Extended && !SupportsExtensions)
            throw new PeerProtocolException("extended message, but the extension protocol (BEP 10) was not negotiated");
        if (_options.MetadataOnly && id is MessageId.Have or MessageId.Bitfield or MessageId.HaveAll or MessageId.HaveNone
                or MessageId.Suggest or MessageId.AllowedFast or MessageId.Request or MessageId.Cancel)
            return false;   // about pieces we cannot know yet, or asking us for data we do not have

        switch (id)
        {
            case MessageId.Choke:
                _chokeFlood.Choked(this);
                PeerChoking = true;
                // BEP 3 says a choke drops our requests, but some peers still send what they had queued, and
                // under BEP 6 each dropped one is rejected. So they stay outstanding until answered or
                // cancelled: the owner of the requests decides when to give up on them (and cancels them).
                break;
            case MessageId.Unchoke:
                PeerChoking = false;
                break;
            case MessageId.Interested:
                PeerInterested = true;
                break;
            case MessageId.NotInterested:
                PeerInterested = false;
                break;
            case MessageId.Have:
            {
                int index = CheckPiece(ReadInt(span, 0), id);
                _piecesAnnounced = true;
                if (PeerPieces[index])
                    return false;   // a repeated have tells nothing new: dropped, so availability is never counted twice
                PeerPieces[index] = true;
                message = new PeerMessage(id, index, 0, 0, default);
                return true;
            }
            case MessageId.Bitfield when _piecesAnnounced:
            {
                // BEP 3 allows a bitfield only first, but aria2 1.36 sends one after its have_none/haves
                // when it uploads to us: its new pieces are added and the connection lives on. It is passed
                // up like the first one: the receiver sees a second bitfield and counts only what is new.
                var late = Bitfield.FromBytes(span, _options.PieceCount);
                for (int i = 0; i < late.Count; i++)
                    if (late[i]) PeerPieces[i] = true;
                message = new PeerMessage(id, 0, 0, body.Length, body);
                return true;
            }
            case MessageId.Bitfield:
                AnnouncePieces(id);
                PeerPieces.Overwrite(Bitfield.FromBytes(span, _options.PieceCount).AsSpan());
                message = new PeerMessage(id, 0, 0, body.Length, body);
                return true;
            case MessageId.HaveAll:
                AnnouncePieces(id);
                PeerPieces.SetAll();
                break;
            case MessageId.HaveNone:
                AnnouncePieces(id);
                PeerPieces.ClearAll();
                break;
            case MessageId.Request or MessageId.Cancel:
            {
                var block = ReadBlock(span, id);
                message = new PeerMessage(id, block.Piece, block.Begin, block.Length, default);
                return true;
            }
            case MessageId.Reject:
            {
                var block = ReadBlock(span, id);
                if (!Settle(block, id))
                    return false; // answers a request we cancelled: nothing more to do
                message = new PeerMessage(id, block.Piece, block.Begin, block.Length, default);
                return true;
            }
            case MessageId.Piece:
            {
                var payload = received.Block is { } rented ? rented.AsMemory(0, received.BlockLength) : body[8..];
                var block = new BlockRequest(ReadInt(span, 0), ReadInt(span, 4), payload.Length);
                if (!Settle(block, id))
                    return false; // late (cancelled, or dropped by a choke): not accepted
                Interlocked.Add(ref _bytesReceived, block.Length);
                message = new PeerMessage(id, block.Piece, block.Begin, block.Length, payload) { Block = received.Block };
                return true;
            }
            case MessageId.Port:
                message = new PeerMessage(id, BinaryPrimitives.ReadUInt16BigEndian(span), 0, 0, default);
                return true;
            case MessageId.Suggest or MessageId.AllowedFast:
                message = new PeerMessage(id, CheckPiece(ReadInt(span, 0), id), 0, 0, default);
                return true;
            case MessageId.Extended:
                InterpretExtended(span[0], body[1..]);
                message = new PeerMessage(id, span[0], 0, body.Length - 1, body[1..]);
                return true;
        }
        message = new PeerMessage(id, 0, 0, 0, default);
        return true;
    }

    /// <summary>
    /// True if a piece or reject answers an outstanding request; false if it answers one we withdrew.
    /// Anything else was never asked for: BEP 6 says to close the connection; without BEP 6 a choke
    /// silently drops our requests, so a late piece is only dropped.
    /// </summary>
    private bool Settle(BlockRequest block, MessageId id)
    {
        if (!_options.MatchAnswers)
            return true;   // the caller keeps the ledger and judges the answer
        var answer = _requests.Settle(block);
        if (answer == PendingRequests.Answer.Unexpected && SupportsFast)
            throw new PeerProtocolException($"{id} {block.Piece}:{block.Begin}+{block.Length} answers no request of ours");
        return answer == PendingRequests.Answer.Expected;
    }

    private void AnnouncePieces(MessageId id)
    {
        if (_piecesAnnounced)
            throw new PeerProtocolException($"{id} message after the peer already announced its pieces");
        _piecesAnnounced = true;
    }

    private int CheckPiece(int index, MessageId id)
    {
        if ((uint)index >= (uint)_options.PieceCount)
            throw new PeerProtocolException($"{id} for piece {index}; the torrent has {_options.PieceCount}");
        return index;
    }

    private BlockRequest ReadBlock(ReadOnlySpan<byte> span, MessageId id)
    {
        var block = new BlockRequest(CheckPiece(ReadInt(span, 0), id), ReadInt(span, 4), ReadInt(span, 8));
        if (block.Begin < 0 || block.Length <= 0 || block.Length > WireLimits.BlockLength)
            throw new PeerProtocolException($"{id} for {block.Length} bytes at {block.Begin} (blocks are 1..{WireLimits.BlockLength} bytes)");
        return block;
    }

    private static int ReadInt(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadInt32BigEndian(span[offset..]);
}
