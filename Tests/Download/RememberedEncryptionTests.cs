using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>
/// A peer that requires encryption hangs up on a plain handshake; the engine redials it with MSE (BEP 8's
/// companion, message stream encryption) and from then on dials it encrypted at once, instead of spending a
/// refused plain connection on every reconnect.
/// </summary>
[Stage(5)]
public class RememberedEncryptionTests
{
    private static readonly byte[] PlainHandshakeStart = [19, .. Encoding.ASCII.GetBytes("BitTorrent protocol")];

    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    [TestCase(EncryptionMode.Prefer, "plain mse mse mse")]   // one refused plain dial, then encrypted every time
    [TestCase(EncryptionMode.Require, "mse mse mse")]
    public async Task APeerThatTookOnlyAnEncryptedDialIsDialledEncryptedFromThenOn(EncryptionMode mode, string expected)
    {
        string data = Path.Combine(_folder, "data.bin");
        SamplePayload.WriteFile(data, 50_000, 5);
        var torrent = Torrent.Parse(TorrentFor(data, 32768));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dials = new List<string>();
        var peer = RequireEncryptionThenHangUpAsync(listener, torrent, dials, encryptedDials: 3, cancel.Token);

        var options = new EngineOptions
        {
            Peers = [(IPEndPoint)listener.LocalEndpoint],
            UseTrackers = false,
            Encryption = mode,
            RetryDelay = TimeSpan.FromMilliseconds(20),
        };
        await using (await TorrentEngine.StartAsync(torrent, Path.Combine(_folder, "out.bin"), options, cancel.Token))
            await peer.WaitAsync(cancel.Token);

        Assert.That(string.Join(' ', dials), Is.EqualTo(expected));
    }

    /// <summary>
    /// Like a client set to require encryption: closes a connection that opens with the plain handshake; answers
    /// an encrypted one, then closes it too, so that the engine dials again. Records "plain" or "mse" per dial
    /// until <paramref name="encryptedDials"/> encrypted ones were answered.
    /// </summary>
    private static async Task RequireEncryptionThenHangUpAsync(TcpListener listener, Torrent torrent, List<string> dials, int encryptedDials, CancellationToken ct)
    {
        var answering = new PeerConnectionOptions { PieceCount = torrent.PieceCount, AnswerEncryptedFor = [torrent.InfoHash], RequireEncryption = true };
        int encrypted = 0;
        while (encrypted < encryptedDials)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            var start = new byte[PlainHandshakeStart.Length];
            int read = 0;
            while (read < start.Length)
            {
                int n = await socket.ReceiveAsync(start.AsMemory(read), SocketFlags.Peek, ct);
                if (n == 0) break;
                if (n == read) await Task.Delay(10, ct);   // nothing new yet
                read = n;   // a peek sees everything that arrived so far
            }
            if (start.AsSpan(0, read).SequenceEqual(PlainHandshakeStart))
            {
                dials.Add("plain");
                socket.Dispose();
                continue;
            }
            dials.Add("mse");
            await using (await PeerConnection.AcceptAsync(socket, hash => hash == torrent.InfoHash, PeerId.Generate(), answering, ct))
                encrypted++;
        }
    }
}
