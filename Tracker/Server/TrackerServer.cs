using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;
using MeTorrent.Tracker.Server;

namespace MeTorrent.Tracker;

/// <summary>
/// A small BitTorrent tracker, in-process: HTTP announces (BEP 3, compact peers BEP 23, peers6 BEP 7) and
/// UDP announces (BEP 15) on one port number. It keeps a swarm per info hash, hands out other peers at
/// random (honouring numwant), removes a peer on event=stopped and forgets peers that stop announcing.
/// Any info hash is accepted (no whitelist). Used by the tests, the demo and `metorrent tracker`.
/// </summary>
public sealed class TrackerServer : IAsyncDisposable
{
    private readonly Swarms _swarms;
    private readonly HttpFrontEnd _http;
    private readonly UdpFrontEnd? _udp;

    private TrackerServer(TrackerServerOptions options, HttpFrontEnd http, UdpFrontEnd? udp, Swarms swarms)
    {
        Options = options;
        _http = http;
        _udp = udp;
        _swarms = swarms;
        string host = options.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{options.Address}]" : options.Address.ToString();
        HttpAnnounceUrl = new Uri($"http://{host}:{http.Port}/announce");
        UdpAnnounceUrl = udp is null ? null : new Uri($"udp://{host}:{udp.Port}/announce");
    }

    /// <summary>Starts a tracker on <paramref name="address"/>:<paramref name="port"/> (0 = any free port) with default settings.</summary>
    public static Task<TrackerServer> StartAsync(IPAddress address, int port, CancellationToken ct) =>
        StartAsync(new TrackerServerOptions { Address = address, Port = port }, ct);

    /// <summary>Starts a tracker; it listens once this returns.</summary>
    /// <exception cref="SocketException">the port is taken</exception>
    public static Task<TrackerServer> StartAsync(TrackerServerOptions options, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var listener = new TcpListener(options.Address, options.Port);
        listener.Start();
        Socket? udpSocket = null;
        try
        {
            int tcpPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (options.EnableUdp)
                udpSocket = BindUdp(options.Address, tcpPort, mayMove: options.Port == 0);
        }
        catch
        {
            listener.Stop();
            throw;
        }
        var swarms = new Swarms(options);
        var http = new HttpFrontEnd(listener, swarms, options);
        var udp = udpSocket is null ? null : new UdpFrontEnd(udpSocket, swarms, options);
        return Task.FromResult(new TrackerServer(options, http, udp, swarms));
    }

    /// <summary>UDP on the same port number as HTTP; with a free port chosen for us, any other free port if that one is taken.</summary>
    private static Socket BindUdp(IPAddress address, int port, bool mayMove)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException) when (mayMove)
        {
            socket.Bind(new IPEndPoint(address, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return socket;
    }

    public TrackerServerOptions Options { get; }

    /// <summary>http://address:port/announce</summary>
    public Uri HttpAnnounceUrl { get; }

    /// <summary>udp://address:port/announce, or null when UDP is off.</summary>
    public Uri? UdpAnnounceUrl { get; }

    /// <summary>The interval told to clients.</summary>
    public TimeSpan Interval => Options.Interval;

    /// <summary>How many live peers the tracker knows for <paramref name="infoHash"/>.</summary>
    public int PeerCount(InfoHash infoHash) => _swarms.PeerCount(infoHash);

    /// <summary>Peers recorded over all torrents, bounded by <see cref="TrackerServerOptions.MaxPeers"/>.</summary>
    public int TotalPeers => _swarms.TotalPeers;

    /// <summary>Torrents tracked, bounded by <see cref="TrackerServerOptions.MaxSwarms"/>.</summary>
    public int SwarmCount => _swarms.SwarmCount;

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        if (_udp is not null)
            await _udp.DisposeAsync();
    }
}
