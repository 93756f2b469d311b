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
/// A peer that requires encryption hangs up on a plain handshake; the engine redials it with MSE (message
/// stream encryption) and from then on dials it encrypted at once, instead of spending a refused plain
/// connection on every reconnect.
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
    [TestCase(EncryptionMode.Require, "mse mse mse")]        // encrypted from the first dial: the memory changes nothing
    public async Task APeerThatTookOnlyAnEncryptedDialIsDialledEncryptedFromThenOn(EncryptionMode mode, string expected)
    {
        var dials = await DialsOfAsync(mode, connections: expected.Split(' ').Length, plainOnlyAfter: int.MaxValue);
        Assert.That(dials, Is.EqualTo(expected));
    }

    [Test]
    public async Task TheMemoryIsForgottenWhenAnEncryptedDialFails()
    {
        // The peer now takes only plain handshakes (restarted with encryption off): our remembered encrypted
        // dial is refused, and the next one opens plain again.
        var dials = await DialsOfAsync(EncryptionMode.Prefer, connections: 4, plainOnlyAfter: 1);
        Assert.That(dials, Is.EqualTo("plain mse mse plain"));
    }

    /// <summary>The engine dials the scripted peer of <see cref="ScriptedPeerAsync"/>; how each of its connections opened.</summary>
    private async Task<string> DialsOfAsync(EncryptionMode mode, int connections, int plainOnlyAfter)
    {
        string data = Path.Combine(_folder, "data.bin");
        SamplePayload.WriteFile(data, 50_000, 5);
        var torrent = Torrent.Parse(TorrentFor(data, 32768));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dials = new List<string>();
        var peer = ScriptedPeerAsync(listener, torrent, dials, connections, plainOnlyAfter, cancel.Token);
        var options = new EngineOptions
        {
            Peers = [(IPEndPoint)listener.LocalEndpoint],
            UseTrackers = false,
            Encryption = mode,
            RetryDelay = TimeSpan.FromMilliseconds(20),
        };
        await using (await TorrentEngine.StartAsync(torrent, Path.Combine(_folder, "out.bin"), options, cancel.Token))
            await peer.WaitAsync(cancel.Token);
        return string.Join(' ', dials);
    }

    /// <summary>
    /// Like a client set to require encryption: closes a connection that opens with the plain handshake and
    /// answers an encrypted one; after <paramref name="plainOnlyAfter"/> encrypted answers, like one with
    /// encryption off: closes an encrypted connection and answers a plain one. Every answered connection is
    /// closed right after the handshake, so that the engine dials again. Records "plain" or "mse" for each of
    /// the first <paramref name="connections"/> connections.
    /// </summary>
    private static async Task ScriptedPeerAsync(TcpListener listener, Torrent torrent, List<string> dials, int connections, int plainOnlyAfter, CancellationToken ct)
    {
        var encrypted = new PeerConnectionOptions { PieceCount = torrent.PieceCount, AnswerEncryptedFor = [torrent.InfoHash], RequireEncryption = true };
        var plain = new PeerConnectionOptions { PieceCount = torrent.PieceCount };
        int answeredEncrypted = 0;
        while (dials.Count < connections)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            bool isPlain = await OpensWithPlainHandshakeAsync(socket, ct);
            dials.Add(isPlain ? "plain" : "mse");
            bool takesPlain = answeredEncrypted >= plainOnlyAfter;
            if (isPlain != takesPlain)
            {
                socket.Dispose();   // refused without a word
                continue;
            }
            await using (await PeerConnection.AcceptAsync(socket, hash => hash == torrent.InfoHash, PeerId.Generate(), isPlain ? plain : encrypted, ct))
                if (!isPlain) answeredEncrypted++;
        }
    }

    /// <summary>Peeks at the first 20 bytes: the plain handshake's "\x13BitTorrent protocol", or an MSE key.</summary>
    private static async Task<bool> OpensWithPlainHandshakeAsync(Socket socket, CancellationToken ct)
    {
        var start = new byte[PlainHandshakeStart.Length];
        int seen = 0;
        while (seen < start.Length)
        {
            int n = await socket.ReceiveAsync(start, SocketFlags.Peek, ct);   // a peek sees everything that arrived so far
            if (n == 0) break;
            if (n == seen) await Task.Delay(10, ct);   // nothing new yet
            seen = n;
        }
        return start.AsSpan(0, seen).SequenceEqual(PlainHandshakeStart);
    }
}
