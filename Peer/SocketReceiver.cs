using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace MeTorrent.Peer;

/// <summary>
/// One scatter read on a socket (recvmsg with several buffers), reused for every read of one connection:
/// the kernel fills the first buffer, then the second, in one system call. Awaitable without allocating.
/// .NET's own <c>Socket.ReceiveAsync(IList&lt;ArraySegment&lt;byte&gt;&gt;)</c> would allocate a task per read and
/// takes no cancellation token.
/// </summary>
internal sealed class SocketReceiver : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private readonly Socket _socket;
    private ManualResetValueTaskSourceCore<int> _completion;

    public SocketReceiver(Socket socket) : base(unsafeSuppressExecutionContextFlow: true)
    {
        _socket = socket;
        _completion.RunContinuationsAsynchronously = false;
    }

    /// <summary>
    /// Receives into <paramref name="buffers"/>, one after the other, as much as has arrived (at least one byte;
    /// 0 when the peer closed). A cancelled token closes the socket: the connection is over anyway.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(IList<ArraySegment<byte>> buffers, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        BufferList = buffers;
        _completion.Reset();
        using var closeOnCancel = ct.UnsafeRegister(static socket => ((Socket)socket!).Dispose(), _socket);
        try
        {
            if (!_socket.ReceiveAsync(this))
                OnCompleted(this);
            return await new ValueTask<int>(this, _completion.Version);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
            _completion.SetResult(BytesTransferred);
        else
            _completion.SetException(new SocketException((int)SocketError));
    }

    int IValueTaskSource<int>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _completion.OnCompleted(continuation, state, token, flags);
}
