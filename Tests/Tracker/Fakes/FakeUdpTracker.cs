using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>
/// A scripted UDP tracker on 127.0.0.1: every packet received is recorded and handed to <c>respond</c>,
/// whose packets (zero or more) are sent back to the sender in order.
/// </summary>
public sealed class FakeUdpTracker : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Func<byte[], IEnumerable<byte[]>> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly Task _loop;

    public FakeUdpTracker(Func<byte[], IEnumerable<byte[]>> respond)
    {
        _respond = respond;
        _loop = LoopAsync();
    }

    public string AnnounceUrl => $"udp://127.0.0.1:{Port}/announce";

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public IReadOnlyList<byte[]> Received => _received.ToArray();

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                var packet = await _socket.ReceiveAsync(_stop.Token);
                _received.Enqueue(packet.Buffer);
                foreach (var reply in _respond(packet.Buffer))
                    await _socket.SendAsync(reply, packet.RemoteEndPoint, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
