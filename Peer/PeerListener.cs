using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;

namespace MeTorrent.Peer;

/// <summary>
/// Accepts peers that dial us and hands out only connections whose handshake was valid. What a hostile
/// dialler can cost us is bounded: at most <see cref="PeerListenerOptions.MaxHandshaking"/> connections wait
/// in the handshake (the oldest is dropped to make room), a few per remote address, each for at most the
/// handshake time-out, and each holding a few hundred bytes until its handshake is valid
/// (<see cref="PeerConnection.AcceptAsync"/> allocates the receive and send buffers only then).
/// </summary>
public sealed class PeerListener : IDisposable
{
    private readonly Socket _socket;
    private readonly PeerListenerOptions _options;
    private readonly LinkedList<PendingHandshake> _handshaking = new();   // oldest first
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private const string ShuttingDown = "shutting down";

    /// <summary>Listens on <paramref name="endPoint"/> (port 0: any free port, see <see cref="EndPoint"/>).</summary>
    public PeerListener(IPEndPoint endPoint, PeerListenerOptions? options = null)
    {
        _options = options ?? new PeerListenerOptions();
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(endPoint);
            _socket.Listen(_options.Backlog);
            EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted whose handshake has not finished yet.</summary>
    public int Handshaking
    {
        get { lock (_lock) return _handshaking.Count; }
    }

    /// <summary>
    /// Accepts until cancelled. Each connection handshakes on its own task (<see cref="PeerConnection.AcceptAsync"/>:
    /// we answer only for an info hash <paramref name="serves"/> accepts); a valid one goes to
    /// <paramref name="handshaken"/>, which owns it from then on and must not block (start a task for it).
    /// Every refused or failed handshake is one line to <paramref name="log"/>.
    /// </summary>
    public async Task RunAsync(Func<InfoHash, bool> serves, PeerId ourId, PeerConnectionOptions options,
        Action<PeerConnection> handshaken, Action<string>? log, CancellationToken ct)
    {
        var handshakes = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _socket.AcceptAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    if (ct.IsCancellationRequested || e is ObjectDisposedException)
                        break;
                    continue;   // e.g. the peer reset the connection before we took it
                }
                var pending = Admit(socket, log, ct);
                if (pending is null)
                    continue;
                handshakes.RemoveAll(t => t.IsCompleted);
                handshakes.Add(Task.Run(() => HandshakeAsync(pending, serves, ourId, options, handshaken, log)));
            }
        }
        finally
        {
            lock (_lock)
                foreach (var pending in _handshaking.ToArray())
                    pending.Stop(ShuttingDown);
            await Task.WhenAll(handshakes);
        }
    }

    /// <summary>Takes the socket into the handshake table, or refuses it; a full table drops its oldest entry.</summary>
    private PendingHandshake? Admit(Socket socket, Action<string>? log, CancellationToken ct)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        lock (_lock)
        {
            _perAddress.TryGetValue(address, out int fromAddress);
            if (!(_options.LoopbackIsExempt && IPAddress.IsLoopback(address)) && fromAddress >= _options.MaxHandshakingPerAddress)
            {
                socket.Dispose();
                log?.Invoke($"incoming {remote}: refused: {fromAddress} handshakes from {address} already in progress");
                return null;
            }
            if (_handshaking.Count >= _options.MaxHandshaking)
                _handshaking.First!.Value.Stop($"dropped: the oldest of {_handshaking.Count} handshakes in progress");
            var pending = new PendingHandshake(socket, remote, address, ct);
            pending.Node = _handshaking.AddLast(pending);
            _perAddress[address] = fromAddress + 1;
            return pending;
        }
    }

    private async Task HandshakeAsync(PendingHandshake pending, Func<InfoHash, bool> serves, PeerId ourId,
        PeerConnectionOptions options, Action<PeerConnection> handshaken, Action<string>? log)
    {
        PeerConnection connection;
        try
        {
            connection = await PeerConnection.AcceptAsync(pending.Socket, serves, ourId, options, pending.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            pending.Socket.Dispose();
            Release(pending);
            string reason = pending.StopReason ?? e.Message;
            if (reason != ShuttingDown)
                log?.Invoke(reason.StartsWith("peer ", StringComparison.Ordinal) ? reason : $"incoming {pending.Remote}: {reason}");
            return;
        }
        Release(pending);
        try
        {
            handshaken(connection);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await connection.DisposeAsync();
            log?.Invoke($"incoming {pending.Remote}: not taken: {e.Message}");
        }
    }

    private void Release(PendingHandshake pending)
    {
        lock (_lock)
        {
            if (pending.Node?.List is not null)
                _handshaking.Remove(pending.Node);
            if (--_perAddress[pending.Address] == 0)
                _perAddress.Remove(pending.Address);
        }
        pending.Dispose();
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>One accepted socket waiting for its handshake; <see cref="Stop"/> ends the wait with a reason.</summary>
    private sealed class PendingHandshake(Socket socket, IPEndPoint remote, IPAddress address, CancellationToken ct) : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        public Socket Socket { get; } = socket;
        public IPEndPoint Remote { get; } = remote;
        public IPAddress Address { get; } = address;
        public LinkedListNode<PendingHandshake>? Node { get; set; }
        public CancellationToken Token => _stop.Token;
        public string? StopReason { get; private set; }

        /// <summary>Called under the listener's lock; the handshake task sees the cancellation and cleans up.</summary>
        public void Stop(string reason)
        {
            StopReason ??= reason;
            if (Node?.List is { } list)
                list.Remove(Node);   // out of the table now: the next admission must not pick it again
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void Dispose() => _stop.Dispose();
    }
}
