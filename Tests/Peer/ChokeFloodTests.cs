using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer;

/// <summary>
/// Attack: a peer that flips choke/unchoke thousands of times (issue 9: 1,000 pairs made the client send
/// 64,519 requests for 518 blocks; 10,000 stalled the download). The connection drops it with one clear
/// reason; a peer that chokes at an honest pace keeps its connection.
/// </summary>
[TestFixture, Stage(4)]
public class ChokeFloodTests
{
    private static readonly TestTorrent Torrent = TestTorrent.Create(4 * 65536, 65536, seed: 11);

    private static async Task<PeerConnection> ConnectAsync(TestSeeder seeder, CancellationToken ct)
    {
        var options = new PeerConnectionOptions { PieceCount = Torrent.PieceCount, Features = PeerFeatures.None };
        var peer = await PeerConnection.ConnectAsync(seeder.EndPoint, Torrent.InfoHash, PeerId.Generate(), options, ct);
        await peer.SendInterestedAsync(ct);
        return peer;
    }

    [TestCase(1_000)]
    [TestCase(10_000)]
    public async Task APeerFloodingChokesIsDroppedWithAClearReason(int pairs)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var seeder = TestSeeder.Start(Torrent, new() { ChokeFloodPairs = pairs });
        await using var peer = await ConnectAsync(seeder, deadline.Token);
        int chokes = 0;
        PeerProtocolException? error = null;
        try
        {
            while (true)
                if ((await peer.ReceiveAsync(deadline.Token)).Id == MessageId.Choke)
                    chokes++;
        }
        catch (PeerProtocolException e)
        {
            error = e;
        }
        Assert.That(chokes, Is.EqualTo(20), "20 chokes within 10 s are allowed, the 21st is not");
        Assert.That(error?.Message, Does.Match(@"^peer 127\.0\.0\.1:\d+ choked us 21 times within 10 s \(an honest peer rechokes every 10 s\): choke flood, dropped$"));
    }

    [Test]
    public async Task AChokeNowAndThenIsHonest()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var seeder = TestSeeder.Start(Torrent, new() { ChokeAfterBlocks = 1 });
        await using var peer = await ConnectAsync(seeder, deadline.Token);
        var piece = new byte[65536];
        await new PieceDownloader().DownloadAsync(peer, 2, piece.Length, Torrent.Torrent.PieceHash(2).ToArray(), piece, deadline.Token);
        Assert.That(piece, Is.EqualTo(Torrent.Piece(2).ToArray()));
    }
}
