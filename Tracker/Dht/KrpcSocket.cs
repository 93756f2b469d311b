using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// KRPC over one UDP socket (BEP 5). Sends our queries and matches each answer to its query by the
/// 2-byte transaction id and by the address it came from — an answer with an unknown id, or from an
/// address we did not ask, is dropped and counted. A query unanswered after <see cref="DhtNodeOptions.QueryTimeout"/>
/// is sent again (same transaction id) up to <see cref="DhtNodeOptions.QueryAttempts"/> times. At most
/// <see cref="DhtLimits.MaxPendingQueries"/> queries wait for answers at once. Incoming queries go to the
/// handler, whose answer (if any) is sent back; malformed datagrams are dropped and counted, never answered.
/// </summary>
public sealed class KrpcSocket : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly DhtNodeOptions _options;
    private readonly Func<KrpcMessage, IPEndPoint, int, KrpcMessage?> _onQuery;
    private readonly Dictionary<ushort, Pending> _pending = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private ushort _nextTransaction = (ushort)Random.Shared.Next(65536);

    private sealed record Pending(IPEndPoint To, TaskCompletionSource<KrpcMessage> Answer);

    /// <param name="onQuery">answers an incoming query (message, sender, datagram length); null sends nothing</param>
    public KrpcSocket(IPEndPoint bindTo, DhtNodeOptions options, Func<KrpcMessage, IPEndPoint, int, KrpcMessage?> onQuery)
    {
        _options = options;
        _onQuery = onQuery;
        _slots = new SemaphoreSlim(options.Limits.MaxPendingQueries);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bindTo);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiving = ReceiveLoopAsync(_stop.Token);
    }

    public IPEndPoint LocalEndPoint { get; }

    public DhtStatistics Statistics { get; } = new();

    public int PendingCount { get { lock (_lock) return _pending.Count; } }

    /// <summary>Sends a query and returns the response.</summary>
    /// <exception cref="DhtQueryException">no answer after every attempt, a KRPC error, or the address cannot be sent to</exception>
    public async Task<KrpcMessage> QueryAsync(IPEndPoint to, string method, MeTorrent.Bencode.BDictionary arguments, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        ushort transaction = 0;
        try
        {
            var answer = new TaskCompletionSource<KrpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                do transaction = _nextTransaction++;
                while (_pending.ContainsKey(transaction));
                _pending[transaction] = new Pending(Normalize(to), answer);
            }
            var id = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(id, transaction);
            var packet = KrpcCodec.Encode(KrpcMessage.Query(id, method, arguments));
            for (int attempt = 0; attempt < _options.QueryAttempts; attempt++)
            {
                try
                {
                    await _socket.SendToAsync(packet, SocketFlags.None, to, ct);
                }
                catch (SocketException e)
                {
                    // e.g. "network unreachable" for a saved node's address: that node fails, nothing else.
                    throw new DhtQueryException($"cannot send {method} to {to}: {e.Message}");
                }
                Statistics.CountQuerySent();
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timer.CancelAfter(_options.QueryTimeout);
                try
                {
                    var message = await answer.Task.WaitAsync(timer.Token);
                    if (message.Kind == KrpcKind.Error)
                        throw new DhtQueryException($"{to} answered {method} with error {message.ErrorCode} {message.ErrorText}");
                    return message;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // No answer yet: send the same query again.
                }
            }
            Statistics.CountTimeout();
            throw new DhtQueryException($"{to} did not answer {method} ({_options.QueryAttempts} tries)");
        }
        finally
        {
            lock (_lock)
                _pending.Remove(transaction);
            _slots.Release();
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        await Task.Yield();
        var buffer = new byte[KrpcCodec.MaxPacketLength + 1];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException) { continue; } // e.g. ICMP port unreachable from an earlier send
            Statistics.CountReceived();
            var from = Normalize((IPEndPoint)received.RemoteEndPoint);
            KrpcMessage message;
            try
            {
                // A copy: decoded strings are slices of their input, and the buffer takes the next datagram.
                message = KrpcCodec.Decode(buffer.AsMemory(0, received.ReceivedBytes).ToArray());
            }
            catch (FormatException)
            {
                Statistics.CountMalformed();
                continue;
            }
            if (message.Kind == KrpcKind.Query)
                await AnswerAsync(message, from, received.ReceivedBytes, ct);
            else
                Deliver(message, from);
        }
    }

    private async Task AnswerAsync(KrpcMessage query, IPEndPoint from, int length, CancellationToken ct)
    {
        var answer = _onQuery(query, from, length);
        if (answer is null)
            return; // no answer fits the amplification bound
        try
        {
            Statistics.CountQueryAnswered();   // before the send: whoever receives the answer sees it counted
            await _socket.SendToAsync(KrpcCodec.Encode(answer), SocketFlags.None, from, ct);
        }
        catch (SocketException) { }
        catch (OperationCanceledException) { }
    }

    private void Deliver(KrpcMessage message, IPEndPoint from)
    {
        if (message.Kind == KrpcKind.Error)
            Statistics.CountErrorReceived();
        Pending? pending = null;
        if (message.TransactionId.Length == 2)
        {
            ushort transaction = BinaryPrimitives.ReadUInt16BigEndian(message.TransactionId.Span);
            lock (_lock)
                pending = _pending.GetValueOrDefault(transaction);
        }
        if (pending is null || !pending.To.Equals(from))
        {
            Statistics.CountUnmatched(); // late, forged, or from an address we never asked
            return;
        }
        pending.Answer.TrySetResult(message);
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _receiving;
        _stop.Dispose();
    }
}
