using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MeTorrent.Tracker;

/// <summary>
/// Announces to one UDP tracker (BEP 15): first a connect exchange that yields a connection id, then the
/// announce itself. The connection id is reused for <see cref="UdpTrackerOptions.ConnectionIdLifetime"/>.
/// Each request is retransmitted with a doubling time-out; answers with another transaction id are
/// ignored (late answers to earlier sends, or forgeries). One socket is kept for the client's life, so
/// the tracker sees the same source port for a connection id. Announces on one client run one at a time.
/// The URL's path and query (e.g. a passkey) travel in the BEP 41 URL-data option.
/// </summary>
public sealed class UdpTrackerClient : ITrackerClient, IDisposable
{
    private readonly UdpTrackerOptions _options;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly byte[] _receiveBuffer = new byte[65536];
    private Socket? _socket;
    private long _connectionId;
    private long _connectionIdExpiresAt = long.MinValue; // Environment.TickCount64 milliseconds

    /// <param name="announce">udp://host:port[/path]</param>
    /// <param name="options">retransmission settings; defaults when null</param>
    public UdpTrackerClient(Uri announce, UdpTrackerOptions? options = null)
    {
        if (announce.Scheme != "udp")
            throw new ArgumentException($"not a UDP tracker: {announce}", nameof(announce));
        Announce = announce;
        _options = options ?? new UdpTrackerOptions();
        if (_options.MaxAttempts < 1)
            throw new ArgumentException("a request must be sent at least once", nameof(options));
    }

    public Uri Announce { get; }

    private string Name => Announce.OriginalString;

    public async Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var socket = _socket ??= await OpenSocketAsync(ct);
            if (Environment.TickCount64 >= _connectionIdExpiresAt)
            {
                _connectionId = await ConnectAsync(socket, ct);
                _connectionIdExpiresAt = Environment.TickCount64 + (long)_options.ConnectionIdLifetime.TotalMilliseconds;
            }
            int transaction = NewTransactionId();
            var packet = UdpTrackerProtocol.AnnounceRequest(_connectionId, transaction, request,
                Announce.PathAndQuery is "/" ? null : Announce.PathAndQuery);
            var answer = await ExchangeAsync(socket, packet, transaction, UdpTrackerProtocol.ActionAnnounce, ct);
            return UdpTrackerProtocol.ParseAnnounce(Name, answer.Span, socket.RemoteEndPoint!.AddressFamily);
        }
        catch (SocketException e)
        {
            CloseSocket(); // a fresh socket (and connection id) next time
            throw new TrackerException(Name, e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "refused (nothing listens on that UDP port)",
                SocketError.HostNotFound or SocketError.NoData => "host name not found",
                _ => $"network error: {e.Message}",
            }, e);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<Socket> OpenSocketAsync(CancellationToken ct)
    {
        if (Announce.Port <= 0)
            throw new TrackerException(Name, "a UDP tracker URL needs a port");
        var addresses = await Dns.GetHostAddressesAsync(Announce.DnsSafeHost, ct);
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new TrackerException(Name, "host name not found");
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // A connected UDP socket only receives from the tracker, and learns of ICMP "port unreachable".
        await socket.ConnectAsync(new IPEndPoint(address, Announce.Port), ct);
        return socket;
    }

    private async Task<long> ConnectAsync(Socket socket, CancellationToken ct)
    {
        int transaction = NewTransactionId();
        var answer = await ExchangeAsync(socket, UdpTrackerProtocol.ConnectRequest(transaction), transaction, UdpTrackerProtocol.ActionConnect, ct);
        if (answer.Length < UdpTrackerProtocol.ConnectResponseLength)
            throw new TrackerException(Name, $"answered a connect with {answer.Length} bytes instead of 16");
        return BinaryPrimitives.ReadInt64BigEndian(answer.Span[8..]);
    }

    /// <summary>
    /// Sends <paramref name="request"/> and waits for the answer with the same transaction id, sending it
    /// again after InitialTimeout * 2^n (BEP 15) until MaxAttempts sends went unanswered.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>> ExchangeAsync(Socket socket, byte[] request, int transaction, int action, CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            await socket.SendAsync(request, SocketFlags.None, ct);
            var wait = _options.InitialTimeout * Math.Pow(2, attempt);
            waited += wait;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timer.CancelAfter(wait);
            try
            {
                while (true)
                {
                    int length = await socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, timer.Token);
                    var packet = _receiveBuffer.AsMemory(0, length);
                    if (!UdpTrackerProtocol.TryReadHeader(packet.Span, out int answerAction, out int answerTransaction)
                        || answerTransaction != transaction)
                        continue; // not an answer to this send: ignore it and keep waiting
                    if (answerAction == UdpTrackerProtocol.ActionError)
                    {
                        _connectionIdExpiresAt = long.MinValue; // the id may be what it objects to
                        throw new TrackerException(Name, $"refused the announce: {UdpTrackerProtocol.ErrorMessage(packet.Span)}") { IsRefusal = true };
                    }
                    if (answerAction == action)
                        return packet;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // This send timed out: send again with twice the patience.
            }
        }
        throw new TrackerException(Name, $"no answer after {_options.MaxAttempts} tries ({waited.TotalSeconds:0.#} s)");
    }

    private static int NewTransactionId() => RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
        _connectionIdExpiresAt = long.MinValue;
    }

    public void Dispose()
    {
        CloseSocket();
        _oneAtATime.Dispose();
    }
}
