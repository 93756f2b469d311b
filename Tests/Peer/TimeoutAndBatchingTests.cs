using System.Net;
using System.Net.Sockets;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tracker;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Peer;

[TestFixture, Stage(4)]
public class TimeoutAndBatchingTests
{
    [Test]
    public async Task ManyRequestsGoOutInOneWrite()
    {
        var (ours, raw) = await RawPairAsync();
        await using var _ = ours;
        await using var __ = raw;
        var requests = Enumerable.Range(0, 8).Select(i => new BlockRequest(1, i * 16384, 16384)).ToArray();
        await ours.SendRequestsAsync(requests, default);
        var buffer = new byte[4096];
        int read = await raw.ReadAsync(buffer);
        Assert.That(read, Is.EqualTo(8 * MessageWriter.RequestLength), "one segment with all eight requests");
        Assert.That(buffer[..MessageWriter.RequestLength], Is.EqualTo(Frame(6, Ints(1, 0, 16384))));
    }

    [Test]
    public async Task APeerThatStopsReadingMakesSendingTimeOut()
    {
        var options = new PeerConnectionOptions { PieceCount = 10, WriteTimeout = TimeSpan.FromMilliseconds(500) };
        var (ours, raw) = await RawPairAsync(options);
        await using var _ = ours;
        await using var __ = raw; // never read: the socket buffers fill up
        var block = new byte[16384];
        Assert.That(async () =>
        {
            for (int i = 0; i < 100_000; i++)
                await ours.SendPieceAsync(0, 0, block, default);
        }, Throws.TypeOf<TimeoutException>().With.Message.Contains("accepted no data"));
    }

    [Test]
    public async Task AConnectionThatIsNeverAcceptedTimesOut()
    {
        // A listener with a full backlog that never accepts: Linux drops further SYNs, so connect hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                if (!filler.ConnectAsync(endpoint).Wait(TimeSpan.FromMilliseconds(300)))
                    break; // the backlog is full
            }
            var options = new PeerConnectionOptions { PieceCount = 1, ConnectTimeout = TimeSpan.FromMilliseconds(500) };
            Assert.That(async () => await PeerConnection.ConnectAsync(endpoint, Hash, PeerId.Generate(), options, Deadline()),
                Throws.TypeOf<TimeoutException>().With.Message.Contains("connecting to"));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Test]
    public async Task DisposingWhileReceivingEndsTheReceive()
    {
        var (ours, raw) = await RawPairAsync();
        await using var _ = raw;
        var receiving = ours.ReceiveAsync(default).AsTask();
        await Task.Delay(100);
        await ours.DisposeAsync();
        Assert.That(async () => await receiving, Throws.InstanceOf<Exception>());
        Assert.That(async () => await ours.SendKeepAliveAsync(default), Throws.TypeOf<ObjectDisposedException>());
    }
}
