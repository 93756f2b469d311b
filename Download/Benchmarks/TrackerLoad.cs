using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Benchmarks;

/// <summary>
/// Announces per second that our tracker answers on 127.0.0.1: <c>clients</c> concurrent clients, each
/// announcing in a loop (HTTP: GET with keep-alive; UDP: one connection id, then announces) to 100 torrents
/// of up to 1,000 peers each, every answer read in full. Client and server share the machine.
/// </summary>
public static class TrackerLoad
{
    public sealed record Result(string Protocol, long Announces, TimeSpan Elapsed, long PeakWorkingSet)
    {
        public double PerSecond => Announces / Elapsed.TotalSeconds;
    }

    public static async Task<Result> MeasureAsync(bool udp, int clients, TimeSpan duration, CancellationToken ct)
    {
        await using var server = await TrackerServer.StartAsync(new TrackerServerOptions(), ct);
        var torrents = Enumerable.Range(0, 100).Select(i => new InfoHash([.. BitConverter.GetBytes(i), .. new byte[16]])).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long announces = 0, peak = 0;
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var endPoint = new IPEndPoint(IPAddress.Loopback, udp ? server.UdpAnnounceUrl!.Port : server.HttpAnnounceUrl.Port);
            long connectionId = udp ? await ConnectAsync(socket, endPoint, stop.Token) : 0;
            var buffer = new byte[2048];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var request = new AnnounceRequest(torrents[random.Next(torrents.Length)], PeerId.Generate(), 1 + random.Next(1000)) { Left = 1000 };
                    if (udp)
                    {
                        await socket.SendToAsync(UdpTrackerProtocol.AnnounceRequest(connectionId, c, request), endPoint, stop.Token);
                        await socket.ReceiveAsync(buffer, stop.Token);
                    }
                    else
                    {
                        await http.GetByteArrayAsync(AnnounceQuery.Build(server.HttpAnnounceUrl.ToString(), request), stop.Token);
                    }
                    Interlocked.Increment(ref announces);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })).ToList();
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, Environment.WorkingSet);
            try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
        }
        await Task.WhenAll(workers);
        return new Result(udp ? "udp" : "http", Interlocked.Read(ref announces), clock.Elapsed, peak);
    }

    private static async Task<long> ConnectAsync(Socket socket, IPEndPoint endPoint, CancellationToken ct)
    {
        var buffer = new byte[16];
        await socket.SendToAsync(UdpTrackerProtocol.ConnectRequest(1), endPoint, ct);
        await socket.ReceiveAsync(buffer, ct);
        return BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(8));
    }
}
