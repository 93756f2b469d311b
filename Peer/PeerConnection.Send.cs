using System.Buffers;
using System.Runtime.CompilerServices;

namespace MeTorrent.Peer;

public sealed partial class PeerConnection
{
    // Room for the largest message we build in one piece: a 16 KiB block with its header.
    private const int SendBufferSize = 32 * 1024;

    private bool _sentMessage;  // a bitfield may only be our first message

    public ValueTask SendInterestedAsync(CancellationToken ct)
    {
        AmInterested = true;
        return SendSimpleAsync(MessageId.Interested, ct);
    }

    public ValueTask SendNotInterestedAsync(CancellationToken ct)
    {
        AmInterested = false;
        return SendSimpleAsync(MessageId.NotInterested, ct);
    }

    public ValueTask SendChokeAsync(CancellationToken ct)
    {
        AmChoking = true;
        return SendSimpleAsync(MessageId.Choke, ct);
    }

    public ValueTask SendUnchokeAsync(CancellationToken ct)
    {
        AmChoking = false;
        return SendSimpleAsync(MessageId.Unchoke, ct);
    }

    public ValueTask SendHaveAsync(int piece, CancellationToken ct)
    {
        CheckOurPiece(piece);
        return SendAsync(static (buffer, piece) => MessageWriter.WithIndex(buffer, MessageId.Have, piece), piece, ct);
    }

    /// <summary>Our pieces, as the first message: have all / have none under BEP 6 when they say it shorter.</summary>
    public ValueTask SendBitfieldAsync(Bitfield pieces, CancellationToken ct)
    {
        if (pieces.Count != _options.PieceCount)
            throw new ArgumentException($"bitfield of {pieces.Count} pieces for a torrent of {_options.PieceCount}", nameof(pieces));
        if (_sentMessage)
            throw new InvalidOperationException("a bitfield must be the first message after the handshake (BEP 3)");
        if (SupportsFast && pieces.IsComplete)
            return SendSimpleAsync(MessageId.HaveAll, ct);
        if (SupportsFast && pieces.IsEmpty)
            return SendSimpleAsync(MessageId.HaveNone, ct);
        return SendAsync(static (buffer, bits) => MessageWriter.Bitfield(buffer, bits.AsSpan()), pieces, ct,
            size: 5 + Bitfield.ByteLength(pieces.Count));
    }

    /// <summary>Asks for blocks, all in one write; each becomes outstanding until received, rejected or cancelled.</summary>
    public ValueTask SendRequestsAsync(IReadOnlyList<BlockRequest> requests, CancellationToken ct)
    {
        if (requests.Count == 0)
            return ValueTask.CompletedTask;
        foreach (var request in requests)
            CheckOurBlock(request);
        if (_options.MatchAnswers)
            foreach (var request in requests)
                _requests.Add(request); // before sending: the answer may beat the write's completion
        return SendAsync(static (buffer, requests) =>
        {
            int written = 0;
            foreach (var request in requests)
                written += MessageWriter.WithBlock(buffer[written..], MessageId.Request, request);
            return written;
        }, requests, ct, size: requests.Count * MessageWriter.RequestLength);
    }

    /// <summary>Withdraws a request; a piece (or, under BEP 6, reject) that still arrives for it is dropped.</summary>
    public ValueTask SendCancelAsync(BlockRequest request, CancellationToken ct)
    {
        CheckOurBlock(request);
        if (_options.MatchAnswers)
            _requests.Cancel(request, answerStillDue: SupportsFast);
        return SendAsync(static (buffer, request) => MessageWriter.WithBlock(buffer, MessageId.Cancel, request), request, ct);
    }

    /// <summary>Sends one block (at most 16 KiB) in answer to a request; header and data go in one write.</summary>
    public ValueTask SendPieceAsync(int piece, int begin, ReadOnlyMemory<byte> block, CancellationToken ct)
    {
        CheckOurBlock(new BlockRequest(piece, begin, block.Length));
        Interlocked.Add(ref _bytesSent, block.Length);
        return SendAsync(static (buffer, state) =>
        {
            int header = MessageWriter.PieceHeader(buffer, state.piece, state.begin, state.block.Length);
            state.block.Span.CopyTo(buffer[header..]);
            return header + state.block.Length;
        }, (piece, begin, block), ct);
    }

    /// <summary>
    /// Sends several blocks, each as its own piece message, in one write: a seeder answering a burst of
    /// requests makes one system call for them, and the peer receives them in large segments.
    /// </summary>
    public ValueTask SendPiecesAsync(IReadOnlyList<OutgoingBlock> blocks, CancellationToken ct)
    {
        int size = 0;
        foreach (var block in blocks)
        {
            CheckOurBlock(new BlockRequest(block.Piece, block.Begin, block.Data.Length));
            size += MessageWriter.PieceHeaderLength + block.Data.Length;
        }
        Interlocked.Add(ref _bytesSent, size - blocks.Count * MessageWriter.PieceHeaderLength);
        return SendAsync(static (buffer, blocks) =>
        {
            int at = 0;
            foreach (var block in blocks)
            {
                at += MessageWriter.PieceHeader(buffer[at..], block.Piece, block.Begin, block.Data.Length);
                block.Data.Span.CopyTo(buffer[at..]);
                at += block.Data.Length;
            }
            return at;
        }, blocks, ct, Math.Max(size, SendBufferSize));
    }

    /// <summary>BEP 6: tells the peer we will not serve a request.</summary>
    public ValueTask SendRejectAsync(BlockRequest request, CancellationToken ct)
    {
        if (!SupportsFast)
            throw new InvalidOperationException("reject needs the fast extension (BEP 6) on both sides");
        CheckOurBlock(request);
        return SendAsync(static (buffer, request) => MessageWriter.WithBlock(buffer, MessageId.Reject, request), request, ct);
    }

    /// <summary>BEP 5: the UDP port our DHT node listens on (only to peers that set the DHT handshake bit).</summary>
    public ValueTask SendPortAsync(ushort dhtPort, CancellationToken ct)
    {
        if (!Features.HasFlag(PeerFeatures.Dht))
            throw new InvalidOperationException("the DHT bit (BEP 5) was not set by both sides");
        return SendAsync(static (buffer, port) => MessageWriter.Port(buffer, port), dhtPort, ct);
    }

    public ValueTask SendKeepAliveAsync(CancellationToken ct) =>
        SendAsync(static (buffer, _) => MessageWriter.KeepAlive(buffer), 0, ct);

    /// <summary>BEP 10: an extended message (id 0 is the extended handshake).</summary>
    public ValueTask SendExtendedAsync(byte extensionId, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (!SupportsExtensions)
            throw new InvalidOperationException("the extension protocol (BEP 10) was not negotiated");
        if (payload.Length + 2 > WireLimits.MaxExtendedLength)
            throw new ArgumentException("extended message too long", nameof(payload));
        return SendAsync(static (buffer, state) => MessageWriter.Extended(buffer, state.extensionId, state.payload.Span),
            (extensionId, payload), ct, size: 6 + payload.Length);
    }

    private ValueTask SendSimpleAsync(MessageId id, CancellationToken ct) =>
        SendAsync(static (buffer, id) => MessageWriter.Simple(buffer, id), id, ct);

    private delegate int Encoder<in TState>(Span<byte> buffer, TState state);

    /// <summary>Encodes a message into the send buffer (or a bigger pooled one) and writes it, one sender at a time.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // no allocation when a write has to wait
    private async ValueTask SendAsync<TState>(Encoder<TState> encode, TState state, CancellationToken ct, int size = SendBufferSize)
    {
        ThrowIfDisposed();
        await _sendLock.WaitAsync(ct);
        byte[]? large = null;
        try
        {
            ThrowIfDisposed();
            byte[] buffer = size <= _sendBuffer.Length ? _sendBuffer : large = ArrayPool<byte>.Shared.Rent(size);
            int length = encode(buffer, state);
            _sentMessage = true;
            if (_options.Trace is { } trace)
                TraceFrames(trace, buffer.AsSpan(0, length));
            var token = ArmWriteTimeout(ct);
            try
            {
                await _stream.WriteAsync(buffer.AsMemory(0, length), token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"peer {RemoteEndPoint} accepted no data for {_options.WriteTimeout.TotalSeconds:0.#} s");
            }
            finally
            {
                DisarmWriteTimeout();
            }
        }
        finally
        {
            if (large is not null)
                ArrayPool<byte>.Shared.Return(large);
            _sendLock.Release();
        }
    }

    /// <summary>--trace: each message of an encoded write (requests go several to a write).</summary>
    private void TraceFrames(WireObserver trace, ReadOnlySpan<byte> written)
    {
        while (written.Length >= 4)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(written);
            trace(this, outgoing: true, handshake: false, written.Slice(4, length));
            written = written[(4 + length)..];
        }
    }

    private void CheckOurPiece(int piece)
    {
        if ((uint)piece >= (uint)_options.PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} does not exist; the torrent has {_options.PieceCount}");
    }

    private void CheckOurBlock(BlockRequest block)
    {
        CheckOurPiece(block.Piece);
        if (block.Begin < 0 || block.Length <= 0 || block.Length > WireLimits.BlockLength)
            throw new ArgumentOutOfRangeException(nameof(block), $"a block is 1..{WireLimits.BlockLength} bytes at a non-negative offset, not {block}");
    }
}
