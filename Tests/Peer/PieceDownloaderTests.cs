using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using MeTorrent.Tracker;
using NUnit.Framework;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Peer;

/// <summary>One piece from the in-process <see cref="TestSeeder"/>, well-behaved and otherwise.</summary>
[TestFixture, Stage(4)]
public class PieceDownloaderTests
{
    // 5 pieces of 64 KiB and a short last one of 1234 bytes.
    private static readonly TestTorrent Torrent = TestTorrent.Create(5 * 65536 + 1234, 65536, seed: 7);

    private static async Task<byte[]> Download(TestSeeder seeder, int index, double readTimeout = 10, PeerFeatures features = PeerFeatures.Extensions | PeerFeatures.Fast)
    {
        var options = new PeerConnectionOptions { PieceCount = Torrent.PieceCount, ReadTimeout = TimeSpan.FromSeconds(readTimeout), Features = features };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = await PeerConnection.ConnectAsync(seeder.EndPoint, Torrent.InfoHash, PeerId.Generate(), options, deadline.Token);
        var piece = new byte[Torrent.Torrent.PieceSize(index)];
        await new PieceDownloader().DownloadAsync(peer, index, piece.Length, Torrent.Torrent.PieceHash(index).ToArray(), piece, deadline.Token);
        return piece;
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(5)] // the short last piece
    public async Task DownloadsAPiece(int index)
    {
        await using var seeder = TestSeeder.Start(Torrent);
        Assert.That(await Download(seeder, index), Is.EqualTo(Torrent.Piece(index).ToArray()));
        Assert.That(seeder.ClientErrors, Is.Empty);
    }

    [Test]
    public async Task DownloadsWithTheFastExtension()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { Fast = true });
        Assert.That(await Download(seeder, 1), Is.EqualTo(Torrent.Piece(1).ToArray()));
        Assert.That(seeder.ClientErrors, Is.Empty);
    }

    [Test]
    public async Task SkipsKeepAlivesUnknownMessagesAndPort()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { SendExtras = true });
        Assert.That(await Download(seeder, 2), Is.EqualTo(Torrent.Piece(2).ToArray()));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task SurvivesAChokeInTheMiddle(bool fast)
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { ChokeAfterBlocks = 2, Fast = fast });
        Assert.That(await Download(seeder, 0), Is.EqualTo(Torrent.Piece(0).ToArray()));
        Assert.That(seeder.ClientErrors, Is.Empty);
    }

    [Test]
    public async Task IgnoresUnrequestedBlocks()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { SendUnrequestedPiece = true });
        Assert.That(await Download(seeder, 4), Is.EqualTo(Torrent.Piece(4).ToArray()));
    }

    [Test]
    public async Task UnderFastAnUnrequestedBlockIsAProtocolError()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { SendUnrequestedPiece = true, Fast = true });
        Assert.That(() => Download(seeder, 4), Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task BadDataFailsTheHashCheck()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { CorruptData = true });
        Assert.That(() => Download(seeder, 0), Throws.TypeOf<PeerProtocolException>().With.Message.Contains("SHA-1"));
    }

    [Test]
    public async Task ADisconnectMidPieceIsAnIOError()
    {
        // EndOfStreamException for a clean close, IOException "connection reset" when our requests were still unread.
        await using var seeder = TestSeeder.Start(Torrent, new() { DisconnectAfterBlocks = 2 });
        Assert.That(() => Download(seeder, 0), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task APeerThatNeverUnchokesTimesOut()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { NeverUnchoke = true });
        Assert.That(() => Download(seeder, 0, readTimeout: 0.5), Throws.TypeOf<TimeoutException>());
    }

    [Test]
    public async Task AnOversizedMessageIsAProtocolError()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { SendOversizedMessage = true });
        Assert.That(() => Download(seeder, 0), Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task SpareBitsInTheBitfieldAreAProtocolError()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { BitfieldSpareBits = true });
        Assert.That(() => Download(seeder, 0), Throws.TypeOf<PeerProtocolException>().With.Message.Contains("spare"));
    }

    [Test]
    public async Task AHaveOutOfRangeIsAProtocolError()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { HaveOutOfRange = true });
        Assert.That(() => Download(seeder, 0), Throws.TypeOf<PeerProtocolException>());
    }

    [Test]
    public async Task APeerWithoutThePieceIsRefused()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { HasPiece = i => i != 2 });
        Assert.That(() => Download(seeder, 2), Throws.TypeOf<PeerProtocolException>().With.Message.Contains("does not have"));
        Assert.That(seeder.ClientErrors, Is.Empty, "we never asked for a piece it did not announce");
    }

    [Test]
    public async Task ASlowHandshakeIsWaitedFor()
    {
        await using var seeder = TestSeeder.Start(Torrent, new() { HandshakeDelay = TimeSpan.FromSeconds(1) });
        Assert.That(await Download(seeder, 1), Is.EqualTo(Torrent.Piece(1).ToArray()));
    }

    [Test]
    public void BlocksAre16KiBAndTheLastIsShort()
    {
        var blocks = PieceDownloader.BlocksOf(3, 40000).ToList();
        Assert.That(blocks, Is.EqualTo(new BlockRequest[] { new(3, 0, 16384), new(3, 16384, 16384), new(3, 32768, 7232) }));
    }
}
