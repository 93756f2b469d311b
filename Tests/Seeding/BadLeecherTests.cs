using System.Collections.Concurrent;
using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// Leechers that break the rules, against one seeder: each request a real client never sends is
/// refused or costs the leecher its connection, and never a byte of data; a leecher that asks and never
/// reads cannot make the seeder buffer answers. Each test fails without its defence.
/// </summary>
[Stage(6)]
public class BadLeecherTests
{
    private const int PieceLength = 32 * 1024;

    private sealed class Seeder(TorrentEngine engine, ConcurrentQueue<string> log) : IAsyncDisposable
    {
        public TorrentEngine Engine => engine;
        public IPEndPoint EndPoint => new(IPAddress.Loopback, engine.ListenEndPoint!.Port);
        public string Log => string.Join("\n", log);
        public ValueTask DisposeAsync() => engine.DisposeAsync();
    }

    private static async Task<Seeder> SeedAsync(SeedFolder folder, CancellationToken ct)
    {
        var log = new ConcurrentQueue<string>();
        var engine = await TorrentEngine.StartAsync(folder.Torrent, folder.Data, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UseTrackers = false,
            Log = log.Enqueue,
        }, ct);
        return new Seeder(engine, log);
    }

    [Test]
    public async Task ARequestOver16KiBCostsTheConnection()
    {
        using var folder = SeedFolder.Create(PieceLength);
        using var deadline = Deadline(30);
        await using var seeder = await SeedAsync(folder, deadline.Token);
        await using var leecher = await RawLeecher.ConnectAsync(seeder.EndPoint, folder.Torrent.InfoHash, deadline.Token);
        await leecher.InterestedUntilUnchokedAsync(deadline.Token);

        await leecher.SendAsync(RawLeecher.Request(0, 0, 32 * 1024), deadline.Token);   // fits the 32 KiB piece, but BEP 3 allows 16 KiB
        var ids = await leecher.IdsUntilClosedAsync(deadline.Token);
        Assert.That(ids, Does.Not.Contain((byte)7), "no data for a 32 KiB request");
        Assert.That(seeder.Engine.Stats.BytesUploaded, Is.Zero);
        await WaitUntilAsync(() => seeder.Log.Contains("16384"), deadline.Token);
        Assert.That(seeder.Log, Does.Contain("16384"), "the seeder dropped the leecher for the block size rule");
    }

    [TestCase(0, PieceLength - 100, 16384, TestName = "ARequestPastThePiecesEndCostsTheConnection")]
    [TestCase(-1, 0, 16384, TestName = "ARequestPastTheShortLastPieceCostsTheConnection")]
    public async Task ARequestOutsideThePieceCostsTheConnection(int piece, int begin, int length)
    {
        using var folder = SeedFolder.Create(PieceLength);
        if (piece < 0)
        {
            piece = folder.Torrent.PieceCount - 1;
            Assert.That(folder.Torrent.PieceSize(piece), Is.LessThan(length), "the last piece is short");
        }
        using var deadline = Deadline(30);
        await using var seeder = await SeedAsync(folder, deadline.Token);
        await using var leecher = await RawLeecher.ConnectAsync(seeder.EndPoint, folder.Torrent.InfoHash, deadline.Token);
        await leecher.InterestedUntilUnchokedAsync(deadline.Token);

        await leecher.SendAsync(RawLeecher.Request(piece, begin, length), deadline.Token);
        var ids = await leecher.IdsUntilClosedAsync(deadline.Token);
        Assert.That(ids, Does.Not.Contain((byte)7), "no data for a range outside the piece");
        await WaitUntilAsync(() => seeder.Log.Contains("outside the piece"), deadline.Token);
        Assert.That(seeder.Engine.Stats.BytesUploaded, Is.Zero);
    }

    [Test]
    public async Task ARequestForAPieceTheSeederLacksIsRejectedAndTheConnectionLives()
    {
        using var folder = SeedFolder.Create(PieceLength);
        string top = Path.Combine(folder.Data, "top.bin");
        var bytes = File.ReadAllBytes(top);
        bytes[PieceLength * 10] ^= 1;   // top.bin starts after the 300,002 bytes of the a/ files: piece 19 fails its check
        File.WriteAllBytes(top, bytes);
        using var deadline = Deadline(30);
        await using var seeder = await SeedAsync(folder, deadline.Token);
        int damaged = (int)((300_002L + PieceLength * 10) / PieceLength);
        Assert.That(seeder.Engine.PiecesHave, Is.EqualTo(folder.Torrent.PieceCount - 1));
        await using var leecher = await RawLeecher.ConnectAsync(seeder.EndPoint, folder.Torrent.InfoHash, deadline.Token, fast: true);
        await leecher.InterestedUntilUnchokedAsync(deadline.Token);

        await leecher.SendAsync(RawLeecher.Request(damaged, 0, 16384), deadline.Token);
        await leecher.SendAsync(RawLeecher.Request(0, 0, 16384), deadline.Token);
        var first = await leecher.ReadAsync(deadline.Token);
        Assert.That(first?.Id, Is.EqualTo((byte)16), "BEP 6 reject for the piece it lacks (never its damaged bytes)");
        Assert.That(first!.Value.Payload[..4], Is.EqualTo(RawLeecher.Message(0, damaged)[5..]), "the reject names the piece");
        var second = await leecher.ReadAsync(deadline.Token);
        Assert.That(second?.Id, Is.EqualTo((byte)7), "the connection lives on: a fair request for a piece it has is served");
        Assert.That(seeder.Engine.Stats.BlocksUploaded, Is.EqualTo(1));
    }
}
