using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker.Server;

/// <summary>
/// The UDP side of the tracker (BEP 15): connect requests get a connection id, announces carrying a valid
/// one get peers, anything malformed gets an error packet when it has a transaction id to answer to.
/// Peers are of the socket's address family (IPv4 on an IPv4 socket), as BEP 15 specifies.
/// </summary>
internal sealed class UdpFrontEnd : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Swarms _swarms;
    private readonly TrackerServerOptions _options;
    private readonly ConnectionIds _connectionIds;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpFrontEnd(Socket socket, Swarms swarms, TrackerServerOptions options)
    {
        _socket = socket;
        _swarms = swarms;
        _options = options;
        _connectionIds = new ConnectionIds(options.Time);
        _loop = ReceiveLoopAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var from = (IPEndPoint)received.RemoteEndPoint;
                byte[]? reply = Answer(buffer.AsSpan(0, received.ReceivedBytes), from);
                if (reply is not null)
                    await _socket.SendToAsync(reply, SocketFlags.None, from, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // e.g. ICMP "port unreachable" from a client that left: keep serving the others.
            }
        }
    }

    private byte[]? Answer(ReadOnlySpan<byte> packet, IPEndPoint from)
    {
        if (packet.Length < 16)
            return null; // too short to hold a transaction id: nothing sensible to answer
        long connectionId = BinaryPrimitives.ReadInt64BigEndian(packet);
        int action = BinaryPrimitives.ReadInt32BigEndian(packet[8..]);
        int transaction = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);

        if (action == UdpTrackerProtocol.ActionConnect)
        {
            if (connectionId != UdpTrackerProtocol.ProtocolId)
                return UdpTrackerProtocol.ErrorResponse(transaction, "bad protocol id");
            return UdpTrackerProtocol.ConnectResponse(transaction, _connectionIds.Issue(from.Address));
        }
        if (!_connectionIds.IsValid(connectionId, from.Address))
            return UdpTrackerProtocol.ErrorResponse(transaction, "unknown or expired connection id");
        if (action != UdpTrackerProtocol.ActionAnnounce)
            return UdpTrackerProtocol.ErrorResponse(transaction, $"unsupported action {action}");
        if (packet.Length < UdpTrackerProtocol.AnnounceRequestLength)
            return UdpTrackerProtocol.ErrorResponse(transaction, "announce too short");

        int port = BinaryPrimitives.ReadUInt16BigEndian(packet[96..]);
        if (port == 0)
            return UdpTrackerProtocol.ErrorResponse(transaction, "port must be from 1 to 65535");
        int numWant = BinaryPrimitives.ReadInt32BigEndian(packet[92..]);
        var address = from.Address.IsIPv4MappedToIPv6 ? from.Address.MapToIPv4() : from.Address;
        var announce = new PeerAnnounce(
            new InfoHash(packet.Slice(16, 20)),
            packet.Slice(36, 20).ToArray(),
            new IPEndPoint(address, port), // the IP field is ignored: peers are where their packets come from
            BinaryPrimitives.ReadInt64BigEndian(packet[64..]),
            UdpTrackerProtocol.EventFromCode(BinaryPrimitives.ReadInt32BigEndian(packet[80..])),
            numWant < 0 ? null : numWant);

        var answer = _swarms.Announce(announce);
        if (answer is null)
            return UdpTrackerProtocol.ErrorResponse(transaction, Swarms.FullMessage);
        _options.Log?.Invoke($"udp  {announce.Summary} -> {answer.Peers.Count} peers");
        var peers = CompactPeers.Write(answer.Peers.Select(p => p.Endpoint), address.AddressFamily);
        return UdpTrackerProtocol.AnnounceResponse(transaction, (int)_options.Interval.TotalSeconds, answer.Leechers, answer.Seeders, peers);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
