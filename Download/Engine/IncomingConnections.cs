using System.Net;
using System.Net.Sockets;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>Accepts peers that dial us (seeding, or a leecher others can reach) and hands them to the engine.</summary>
internal sealed class IncomingConnections : IDisposable
{
    private readonly Socket _listener;

    public IncomingConnections(IPAddress address, int port)
    {
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(address, port));
            _listener.Listen(128);
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Accepts until cancelled; <paramref name="accepted"/> must hand the socket to its own task, so a slow handshake delays no one.</summary>
    public async Task RunAsync(Action<Socket> accepted, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (!ct.IsCancellationRequested)
            {
                continue; // e.g. the peer reset the connection before we took it
            }
            accepted(socket);
        }
    }

    public void Dispose() => _listener.Dispose();
}
