using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Metainfo;
using MeTorrent.Peer.Encryption;

namespace MeTorrent.Peer;

/// <summary>
/// One peer wire connection (BEP 3), after the handshake: the four choke/interest flags, the pieces the
/// peer has, and typed messages in both directions. Receiving is done by one task at a time; sending is
/// safe from any task, concurrently with receiving (sends are serialised internally).
/// Opening one: <see cref="ConnectAsync"/> (we dial), <see cref="AcceptAsync"/> (the peer dialled us),
/// <see cref="OpenAsync"/> (any duplex stream, e.g. in tests).
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable
{
    private Stream _stream;   // replaced once, when an MSE handshake selects RC4
    private readonly PeerConnectionOptions _options;
    private readonly FrameReader _reader;
    private readonly PendingRequests _requests = new();
    private readonly SemaphoreSlim _receiveLock = new(1, 1);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _sendBuffer = [];   // rented once the handshake is valid
    private int _disposed;
    private readonly long _opened = Environment.TickCount64;

    private PeerConnection(Stream stream, IPEndPoint remote, PeerConnectionOptions options)
    {
        if (options.PieceCount <= 0 && !options.MetadataOnly)
            throw new ArgumentException("PeerConnectionOptions.PieceCount must be the torrent's piece count.", nameof(options));
        if (options.MetadataOnly && options.PieceCount != 0)
            throw new ArgumentException("a MetadataOnly connection does not know the piece count: leave PieceCount 0.", nameof(options));
        _stream = stream;
        _options = options;
        RemoteEndPoint = remote;
        _reader = new FrameReader(stream, CheckLength);
    }

    public IPEndPoint RemoteEndPoint { get; }

    public Handshake RemoteHandshake { get; private set; } = null!;

    /// <summary>Extensions both sides announced: only these may be used on this connection.</summary>
    public PeerFeatures Features { get; private set; }

    /// <summary>After an encrypted handshake (MSE, either side dialling): "RC4" or "plaintext after it"; null for a plain handshake.</summary>
    public string? EncryptionMethod { get; private set; }

    /// <summary>The connection opened with an encrypted handshake (MSE).</summary>
    public bool EncryptedHandshake => EncryptionMethod is not null;

    public bool SupportsFast => Features.HasFlag(PeerFeatures.Fast);

    public bool SupportsExtensions => Features.HasFlag(PeerFeatures.Extensions);

    public bool AmChoking { get; private set; } = true;
    public bool AmInterested { get; private set; }
    public bool PeerChoking { get; private set; } = true;
    public bool PeerInterested { get; private set; }

    /// <summary>The pieces the peer has, from its bitfield / have / have all / have none messages.</summary>
    public Bitfield PeerPieces { get; private set; } = null!;

    /// <summary>Payload bytes of accepted piece messages.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Payload bytes of piece messages we sent.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>
    /// The blocks a connection that receives into <see cref="PeerConnectionOptions.BlockBuffers"/> holds besides
    /// the piece it is reading: one for each full-block piece its scatter reads guess will come next.
    /// </summary>
    public const int SpareBlocks = 3;

    /// <summary>
    /// Piece payload bytes the socket wrote straight into their block (<see cref="PeerConnectionOptions.BlockBuffers"/>),
    /// and those copied there from the read buffer (they had arrived with the bytes before them).
    /// </summary>
    public long BlockBytesStraight => _reader.BlockBytesStraight;
    public long BlockBytesCopied => _reader.BlockBytesCopied;

    /// <summary>Blocks requested and not yet received, rejected or cancelled.</summary>
    public int OutstandingRequests => _requests.Count;

    private long _bytesReceived;
    private long _bytesSent;

    /// <summary>
    /// Dials <paramref name="endpoint"/> and exchanges handshakes; the peer must answer for <paramref name="infoHash"/>.
    /// <see cref="PeerConnectionOptions.DialEncryption"/> says whether the handshake is plain or encrypted (MSE).
    /// </summary>
    public static async Task<PeerConnection> ConnectAsync(IPEndPoint endpoint, InfoHash infoHash, PeerId ourId,
        PeerConnectionOptions options, CancellationToken ct)
    {
        try
        {
            return await DialAsync(endpoint, infoHash, ourId, options, options.DialEncryption, ct);
        }
        catch (HungUpException)   // only with PlainThenMse
        {
            // Peers set to require encryption (libtorrent's and qBittorrent's "forced", Transmission's "required")
            // close a plain handshake unanswered: one more dial, with MSE. A peer that hangs up for another reason
            // (full, or without the torrent) costs one wasted dial.
            return await DialAsync(endpoint, infoHash, ourId, options, DialEncryption.Mse, ct);
        }
    }

    private static async Task<PeerConnection> DialAsync(IPEndPoint endpoint, InfoHash infoHash, PeerId ourId,
        PeerConnectionOptions options, DialEncryption how, CancellationToken ct)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(options.ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(endpoint, timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"connecting to {endpoint} timed out after {options.ConnectTimeout.TotalSeconds:0.#} s");
                }
                catch (OperationCanceledException)
                {
                    throw new OperationCanceledException($"stopped while connecting to {endpoint}", ct);
                }
            }
            return await HandshakeAsDiallerAsync(new NetworkStream(socket, ownsSocket: true), endpoint, infoHash, ourId, options, how, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Handshakes as the dialling side over an already open duplex <paramref name="stream"/> (owned from now on):
    /// encrypted when <see cref="PeerConnectionOptions.DialEncryption"/> says MSE, else plain. A stream cannot be
    /// dialled again, so here <see cref="DialEncryption.PlainThenMse"/> is plain only.
    /// </summary>
    public static Task<PeerConnection> OpenAsync(Stream stream, IPEndPoint remote, InfoHash infoHash, PeerId ourId,
        PeerConnectionOptions options, CancellationToken ct) =>
        HandshakeAsDiallerAsync(stream, remote, infoHash, ourId, options,
            options.DialEncryption == DialEncryption.PlainThenMse ? DialEncryption.Plain : options.DialEncryption, ct);

    /// <param name="how">with <see cref="DialEncryption.PlainThenMse"/>, a peer that closes the connection before
    /// sending a single byte ends it with <see cref="HungUpException"/>, for <see cref="ConnectAsync"/> to dial again</param>
    private static async Task<PeerConnection> HandshakeAsDiallerAsync(Stream stream, IPEndPoint remote, InfoHash infoHash, PeerId ourId,
        PeerConnectionOptions options, DialEncryption how, CancellationToken ct)
    {
        var connection = new PeerConnection(stream, remote, options);
        try
        {
            var token = connection.ArmReadTimeout(options.HandshakeTimeout, ct);
            ReadOnlyMemory<byte> prefix;
            try
            {
                if (how is DialEncryption.Mse or DialEncryption.MseRc4)
                    await connection.InitiateEncryptionAsync(infoHash, ourId, how, token, ct);
                else
                    await connection.SendHandshakeAsync(infoHash, ourId, ct);
                prefix = await connection.ReadHandshakeBytesAsync(HandshakeCodec.PrefixLength, token, ct);
            }
            catch (IOException e) when (how == DialEncryption.PlainThenMse && connection._reader.BytesRead == 0)   // a reset, or EndOfStreamException
            {
                throw new HungUpException($"peer {remote} closed the connection on our plain handshake without a word", e);
            }
            var (theirHash, features) = HandshakeCodec.ReadPrefix(prefix.Span);
            byte[]? traced = options.Trace is null ? null : prefix.ToArray();
            if (theirHash != infoHash)
                throw new PeerProtocolException($"peer {remote} answered for torrent {theirHash.Hex}, not {infoHash.Hex}");
            var peerId = (await connection.ReadHandshakeBytesAsync(PeerId.Length, token, ct)).ToArray();
            connection.TraceHandshake(traced, peerId);
            connection.Handshaken(new Handshake(theirHash, peerId, features), ourId);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Takes an incoming connection (seeding): reads the peer's handshake first and answers with ours only if
    /// <paramref name="accept"/> says we serve that info hash; otherwise closes it with a PeerProtocolException.
    /// </summary>
    public static async Task<PeerConnection> AcceptAsync(Socket socket, Func<InfoHash, bool> accept, PeerId ourId,
        PeerConnectionOptions options, CancellationToken ct)
    {
        socket.NoDelay = true;
        var remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        var connection = new PeerConnection(new NetworkStream(socket, ownsSocket: true), remote, options);
        try
        {
            var token = connection.ArmReadTimeout(options.HandshakeTimeout, ct);
            InfoHash? encryptedFor = await connection.AnswerEncryptionAsync(token, ct);
            var prefix = await connection.ReadHandshakeBytesAsync(HandshakeCodec.PrefixLength, token, ct);
            var (infoHash, features) = HandshakeCodec.ReadPrefix(prefix.Span);
            byte[]? traced = options.Trace is null ? null : prefix.ToArray();
            if (encryptedFor is { } skey && skey != infoHash)
                throw new PeerProtocolException($"peer {remote} asked for torrent {skey.Hex} in its encrypted handshake and {infoHash.Hex} in its plain one");
            if (!accept(infoHash))
                throw new PeerProtocolException($"peer {remote} asked for torrent {infoHash.Hex}, which we do not serve");
            await connection.SendHandshakeAsync(infoHash, ourId, ct);
            var peerId = (await connection.ReadHandshakeBytesAsync(PeerId.Length, token, ct)).ToArray();
            connection.TraceHandshake(traced, peerId);
            connection.Handshaken(new Handshake(infoHash, peerId, features), ourId);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An incoming connection may open with MSE instead of the plain handshake (<see cref="MseResponder"/>):
    /// when the first 20 bytes are not "\x13BitTorrent protocol" and <see cref="PeerConnectionOptions.AnswerEncryptedFor"/>
    /// names torrents, the encrypted handshake is answered and the plain one it carried is put back to be read
    /// next. Returns the torrent the encrypted handshake asked for, or null for a plain handshake.
    /// </summary>
    private async ValueTask<InfoHash?> AnswerEncryptionAsync(CancellationToken token, CancellationToken ct)
    {
        var first = (await ReadHandshakeBytesAsync(1 + HandshakeCodec.Protocol.Length, token, ct)).ToArray();
        bool plain = first[0] == HandshakeCodec.Protocol.Length && first.AsSpan(1).SequenceEqual(Encoding.ASCII.GetBytes(HandshakeCodec.Protocol));
        if (plain && _options.RequireEncryption)
            throw new PeerProtocolException($"peer {RemoteEndPoint} sent a plain handshake; we take only encrypted ones (MSE)");
        if (plain || _options.AnswerEncryptedFor.Count == 0)
        {
            _reader.Unread(first);   // read again as the handshake's start (a wrong one is refused there)
            return null;
        }
        var answered = await MseResponder.RespondAsync(first,
            count => ReadHandshakeBytesAsync(count, token, ct), bytes => _stream.WriteAsync(bytes, ct), _options.AnswerEncryptedFor,
            accept: _options.RequireEncryption ? Mse.Rc4Encrypted : Mse.Plaintext | Mse.Rc4Encrypted);
        ContinueAfterMse(answered);
        _reader.Unread(answered.InitialPayload);
        return answered.InfoHash;
    }

    /// <summary>
    /// Dials with MSE (<see cref="MseInitiator"/>): our handshake goes inside it, so the peer's plain handshake is
    /// what comes next. We offer plaintext or RC4 for the stream after it, or RC4 alone for <see cref="DialEncryption.MseRc4"/>.
    /// </summary>
    private async ValueTask InitiateEncryptionAsync(InfoHash infoHash, PeerId ourId, DialEncryption how, CancellationToken token, CancellationToken ct)
    {
        var handshake = new byte[HandshakeCodec.Length];
        HandshakeCodec.Write(handshake, infoHash, ourId, _options.Features);
        uint provide = how == DialEncryption.MseRc4 ? Mse.Rc4Encrypted : Mse.Plaintext | Mse.Rc4Encrypted;
        var initiated = await MseInitiator.InitiateAsync(infoHash, handshake, provide,
            count => ReadHandshakeBytesAsync(count, token, ct), bytes => _stream.WriteAsync(bytes, ct));
        _options.Trace?.Invoke(this, outgoing: true, handshake: true, handshake);
        ContinueAfterMse(initiated);
    }

    /// <summary>After an MSE handshake: an RC4 stream from here on, or plaintext.</summary>
    private void ContinueAfterMse(MseResult handshake)
    {
        if (handshake is { Decrypt: { } decrypt, Encrypt: { } encrypt })
        {
            _stream = new Rc4Stream(_stream, decrypt, encrypt);
            _reader.SwitchTo(_stream, decrypt);
            EncryptionMethod = "RC4";
        }
        else
            EncryptionMethod = "plaintext after it";
    }

    private void Handshaken(Handshake remote, PeerId ourId)
    {
        DisarmReadTimeout();
        if (remote.PeerId.AsSpan().SequenceEqual(ourId.Bytes))
            throw new PeerProtocolException($"{RemoteEndPoint} is ourselves (same peer id)");
        RemoteHandshake = remote;
        Features = remote.Features & _options.Features;
        // Only now the per-connection memory (~100 KiB): a connection stalled in its handshake holds none of it.
        PeerPieces = new Bitfield(_options.PieceCount);
        _reader.StartFrames();
        if (_options.BlockBuffers is { } blocks && _options.Trace is null)
            _reader.ReceiveBlocksInto(blocks, () => AmInterested, (_stream as NetworkStream)?.Socket);
        _sendBuffer = ArrayPool<byte>.Shared.Rent(SendBufferSize);
    }

    private async ValueTask SendHandshakeAsync(InfoHash infoHash, PeerId ourId, CancellationToken ct)
    {
        var bytes = new byte[HandshakeCodec.Length];
        HandshakeCodec.Write(bytes, infoHash, ourId, _options.Features);
        await _stream.WriteAsync(bytes, ct);
        _options.Trace?.Invoke(this, outgoing: true, handshake: true, bytes);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadHandshakeBytesAsync(int count, CancellationToken token, CancellationToken ct)
    {
        try
        {
            return await _reader.ReadExactAsync(count, token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"peer {RemoteEndPoint} sent no handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            // Still a cancellation for the caller, but one that says what the peer had (not) done.
            double waited = (Environment.TickCount64 - _opened) / 1000.0;
            throw new OperationCanceledException($"stopped after {waited:0.#} s; peer {RemoteEndPoint} had sent no handshake", ct);
        }
        catch (EndOfStreamException)
        {
            throw new EndOfStreamException($"peer {RemoteEndPoint} closed the connection during the handshake");
        }
    }

    /// <summary>--trace: the peer's handshake as it came (prefix and peer id were read apart).</summary>
    private void TraceHandshake(byte[]? prefix, byte[] peerId)
    {
        if (prefix is null || _options.Trace is not { } trace)
            return;
        trace(this, outgoing: false, handshake: true, [.. prefix, .. peerId]);
    }

    public override string ToString() => $"peer {RemoteEndPoint}";

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Closing the stream aborts a pending read or write; then no one is using the buffers.
        await _stream.DisposeAsync();
        await _receiveLock.WaitAsync();
        await _sendLock.WaitAsync();
        _reader.Dispose();
        var sendBuffer = Interlocked.Exchange(ref _sendBuffer, []);
        if (sendBuffer.Length > 0)
            ArrayPool<byte>.Shared.Return(sendBuffer);
        _readTimeout?.Dispose();
        _writeTimeout?.Dispose();
        _receiveLock.Release();
        _sendLock.Release();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
