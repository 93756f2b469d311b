using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>
/// Sits between a UDP tracker client and a real tracker on 127.0.0.1: drops the first
/// <c>dropFirst</c> packets from the client (lost datagrams), forwards the rest both ways, and records
/// the action of every client packet (0 connect, 1 announce) so tests can count connects.
/// </summary>
public sealed class LossyUdpProxy : IAsyncDisposable
{
    private readonly UdpClient _front = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _back = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _tracker;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<int> _actions = new();
    private readonly Task _forward;
    private readonly Task _backward;
    private int _toDrop;
    private IPEndPoint? _client;

    public LossyUdpProxy(Uri tracker, int dropFirst)
    {
        _tracker = new IPEndPoint(IPAddress.Parse(tracker.Host), tracker.Port);
        _toDrop = dropFirst;
        _forward = ForwardAsync();
        _backward = BackwardAsync();
    }

    public string AnnounceUrl => $"udp://127.0.0.1:{((IPEndPoint)_front.Client.LocalEndPoint!).Port}/announce";

    /// <summary>The action field of every packet the client sent, dropped ones included.</summary>
    public IReadOnlyList<int> ClientActions => _actions.ToArray();

    public int Dropped { get; private set; }

    private async Task ForwardAsync()
    {
        while (true)
        {
            try
            {
                var packet = await _front.ReceiveAsync(_stop.Token);
                _client = packet.RemoteEndPoint;
                if (packet.Buffer.Length >= 12)
                    _actions.Enqueue(BinaryPrimitives.ReadInt32BigEndian(packet.Buffer.AsSpan(8)));
                if (_toDrop > 0)
                {
                    _toDrop--;
                    Dropped++;
                    continue;
                }
                await _back.SendAsync(packet.Buffer, _tracker, _stop.Token);
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

    private async Task BackwardAsync()
    {
        while (true)
        {
            try
            {
                var packet = await _back.ReceiveAsync(_stop.Token);
                if (_client is { } client)
                    await _front.SendAsync(packet.Buffer, client, _stop.Token);
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
        _front.Dispose();
        _back.Dispose();
        await Task.WhenAll(_forward, _backward);
        _stop.Dispose();
    }
}
