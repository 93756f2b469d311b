using System.Collections.Concurrent;
using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download.Metadata;

/// <summary>An ordinary engine serves its torrent's metadata (BEP 9 over BEP 10) to peers that came with a magnet link.</summary>
[Stage(5)]
public class EngineMetadataTests
{
    /// <summary>An engine seeding a 1 MiB file in 1 KiB pieces (20 KiB of hashes: two metadata pieces), listening on 127.0.0.1.</summary>
    private static async Task<TorrentEngine> SeederAsync(string folder, CancellationToken ct)
    {
        string path = Path.Combine(folder, "data.bin");
        var bytes = new byte[1 << 20];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var torrent = Torrent.Parse(TorrentFor(path, 1024));
        return await TorrentEngine.StartAsync(torrent, path,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, ct);
    }

    [Test]
    public async Task AFetcherGetsTheMetadataFromAnEngineSeeder()
    {
        using var deadline = Deadline();
        string folder = TempFolder();
        try
        {
            await using var seeder = await SeederAsync(folder, deadline.Token);
            var torrent = seeder.Torrent;
            Assert.That(torrent.InfoBytes.Length, Is.GreaterThan(MetadataMessage.PieceLength), "more than one metadata piece");
            var log = new ConcurrentQueue<string>();
            var magnet = MagnetLink.For(torrent) with { Trackers = [], Peers = [seeder.ListenEndPoint!] };

            var fetched = await MetadataFetcher.FetchAsync(magnet, new MetadataFetchOptions { Log = log.Enqueue, Timeout = TimeSpan.FromSeconds(30) }, deadline.Token);

            TestContext.Out.WriteLine(string.Join("\n", log));
            Assert.That(fetched.Torrent.InfoBytes.ToArray(), Is.EqualTo(torrent.InfoBytes.ToArray()));
            Assert.That(fetched.Peers, Does.Contain(seeder.ListenEndPoint));
        }
        finally
        {
            Delete(folder);
        }
    }

    [Test]
    public async Task AnEngineRejectsAMetadataPieceBeyondTheEndAndAnnouncesItsSize()
    {
        using var deadline = Deadline();
        string folder = TempFolder();
        try
        {
            await using var seeder = await SeederAsync(folder, deadline.Token);
            var torrent = seeder.Torrent;
            await using var peer = await PeerConnection.ConnectAsync(seeder.ListenEndPoint!, torrent.InfoHash, PeerId.Generate(),
                new PeerConnectionOptions { PieceCount = torrent.PieceCount }, deadline.Token);
            await peer.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(null, null, null), deadline.Token);
    
            while (peer.RemoteExtensions is null)
                await peer.ReceiveAsync(deadline.Token);
            Assert.That(peer.RemoteExtensions.MetadataSize, Is.EqualTo(torrent.InfoBytes.Length));
            Assert.That(peer.RemoteExtensions.ListenPort, Is.EqualTo(seeder.ListenEndPoint!.Port));
    
            int beyond = (torrent.InfoBytes.Length + MetadataMessage.PieceLength - 1) / MetadataMessage.PieceLength;
            await peer.SendMetadataMessageAsync(MetadataMessage.Request(beyond), deadline.Token);
            await peer.SendMetadataMessageAsync(MetadataMessage.Request(0), deadline.Token);
            var answers = new List<MetadataMessage>();
            while (answers.Count < 2)
            {
                var message = await peer.ReceiveAsync(deadline.Token);
                if (message.Id == MessageId.Extended && message.Index == ExtensionNames.UtMetadataId)
                    answers.Add(MetadataMessage.Decode(message.Payload)!);
            }
            Assert.That((answers[0].Type, answers[0].Piece), Is.EqualTo((MetadataMessageType.Reject, beyond)));
            Assert.That(answers[1].Type, Is.EqualTo(MetadataMessageType.Data));
            Assert.That(answers[1].Data.ToArray(), Is.EqualTo(torrent.InfoBytes[..Math.Min(MetadataMessage.PieceLength, torrent.InfoBytes.Length)].ToArray()));
        }
        finally
        {
            Delete(folder);
        }
    }
}
