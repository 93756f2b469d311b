using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// The engine's --encryption modes, seen from a peer that dials it: prefer takes both handshakes (and
/// picks plaintext after an encrypted one when offered), require takes only encrypted ones with RC4
/// after them, off only plain ones.
/// </summary>
[Stage(6)]
public class SeedEncryptionTests
{
    [TestCase(EncryptionMode.Prefer, DialEncryption.Plain, null)]
    [TestCase(EncryptionMode.Prefer, DialEncryption.Mse, "plaintext after it")]
    [TestCase(EncryptionMode.Require, DialEncryption.Mse, "RC4")]
    [TestCase(EncryptionMode.Require, DialEncryption.MseRc4, "RC4")]
    [TestCase(EncryptionMode.Off, DialEncryption.Plain, null)]
    public async Task TheseHandshakesAreTaken(EncryptionMode mode, DialEncryption dial, string? method)
    {
        using var folder = SeedFolder.Create(32 * 1024);
        using var deadline = Deadline(30);
        await using var seeder = await SeedAsync(folder, mode, deadline.Token);
        await using var peer = await DialAsync(seeder, folder.Torrent, dial, deadline.Token);
        Assert.That(peer.EncryptionMethod, Is.EqualTo(method));
        Assert.That(peer.RemoteHandshake.InfoHash, Is.EqualTo(folder.Torrent.InfoHash));
    }

    [TestCase(EncryptionMode.Require, DialEncryption.Plain)]
    [TestCase(EncryptionMode.Off, DialEncryption.Mse)]
    public async Task TheseHandshakesAreRefused(EncryptionMode mode, DialEncryption dial)
    {
        using var folder = SeedFolder.Create(32 * 1024);
        using var deadline = Deadline(30);
        await using var seeder = await SeedAsync(folder, mode, deadline.Token);
        await Assert.CatchAsync<Exception>(async () => await (await DialAsync(seeder, folder.Torrent, dial, deadline.Token)).DisposeAsync());
    }

    private static Task<TorrentEngine> SeedAsync(SeedFolder folder, EncryptionMode mode, CancellationToken ct) =>
        TorrentEngine.StartAsync(folder.Torrent, folder.Data, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UseTrackers = false,
            Encryption = mode,
        }, ct);

    private static Task<PeerConnection> DialAsync(TorrentEngine seeder, Torrent torrent, DialEncryption dial, CancellationToken ct) =>
        PeerConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port), torrent.InfoHash, PeerId.Generate(),
            new PeerConnectionOptions { PieceCount = torrent.PieceCount, DialEncryption = dial, HandshakeTimeout = TimeSpan.FromSeconds(5) }, ct);
}
