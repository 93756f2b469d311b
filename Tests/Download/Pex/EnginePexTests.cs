using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download.Pex;

/// <summary>The engine dials peers it learns of only through ut_pex (BEP 11).</summary>
[Stage(5)]
public class EnginePexTests
{
    private static EngineOptions Listening() => new()
    {
        ListenPort = 0,
        ListenAddress = IPAddress.Loopback,
        UseTrackers = false,
        RetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Test]
    public async Task ALeecherDownloadsFromASeederItHeardOfOnlyThroughPex()
    {
        using var deadline = Deadline(30);
        string folder = TempFolder();
        try
        {
            string source = Path.Combine(folder, "data.bin");
            var bytes = new byte[1 << 20];
            new Random(11).NextBytes(bytes);
            File.WriteAllBytes(source, bytes);
            var torrent = Torrent.Parse(TorrentFor(source, 64 * 1024));
            await using var seeder = await TorrentEngine.StartAsync(torrent, source, Listening(), deadline.Token);
            string copy = Path.Combine(folder, "leecher", "data.bin");
            await using var leecher = await TorrentEngine.StartAsync(torrent, copy, Listening(), deadline.Token);

            // A third peer, with nothing to offer, connects to the leecher and names the seeder in ut_pex.
            await using var gossip = await PeerConnection.ConnectAsync(leecher.ListenEndPoint!, torrent.InfoHash, PeerId.Generate(),
                new PeerConnectionOptions { PieceCount = torrent.PieceCount }, deadline.Token);
            await gossip.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(null, null, null), deadline.Token);
            while (gossip.RemoteExtensions is null)
                await gossip.ReceiveAsync(deadline.Token);
            Assert.That(gossip.PeerSupports(ExtensionNames.UtPex), "the engine announces ut_pex");
            await gossip.SendPexAsync(new PexMessage([new PexPeer(seeder.ListenEndPoint!, PexFlags.Seed)], []), deadline.Token);

            await leecher.Completion.WaitAsync(deadline.Token);
            await leecher.DisposeAsync();
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(bytes));
        }
        finally
        {
            Delete(folder);
        }
    }

    [Test]
    public async Task AnEngineTellsAPexPeerWhomItIsConnectedTo()
    {
        using var deadline = Deadline(30);
        string folder = TempFolder();
        try
        {
            string source = Path.Combine(folder, "data.bin");
            File.WriteAllBytes(source, new byte[256 * 1024]);
            var torrent = Torrent.Parse(TorrentFor(source, 64 * 1024));
            // A seeder that never unchokes: the leecher stays connected to it for the whole test.
            var stingy = new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false, UploadSlots = 0 };
            await using var seeder = await TorrentEngine.StartAsync(torrent, source, stingy, deadline.Token);
            var options = new EngineOptions
            {
                ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false, Peers = [seeder.ListenEndPoint!],
            };
            await using var leecher = await TorrentEngine.StartAsync(torrent, Path.Combine(folder, "leecher", "data.bin"), options, deadline.Token);

            await using var listener = await PeerConnection.ConnectAsync(leecher.ListenEndPoint!, torrent.InfoHash, PeerId.Generate(),
                new PeerConnectionOptions { PieceCount = torrent.PieceCount }, deadline.Token);
            await listener.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(null, 7000, null), deadline.Token);
            PexMessage? pex = null;
            while (pex is null)
            {
                var message = await listener.ReceiveAsync(deadline.Token);
                if (message.Id == MessageId.Extended && message.Index == ExtensionNames.UtPexId)
                    pex = PexMessage.Decode(message.Payload);
            }
            Assert.That(pex.Added, Does.Contain(new PexPeer(seeder.ListenEndPoint!, PexFlags.Reachable | PexFlags.Seed)));
            Assert.That(pex.Added.Select(p => p.EndPoint), Does.Not.Contain(new IPEndPoint(IPAddress.Loopback, 7000)), "never told about itself");
        }
        finally
        {
            Delete(folder);
        }
    }
}
