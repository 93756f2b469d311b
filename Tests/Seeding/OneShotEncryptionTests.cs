using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Cli;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// --encryption on the commands that dial one peer at a time (handshake, download_piece, magnet_*), against a
/// MeTorrent seed set to require encryption (as libtorrent "forced" or Transmission "required" are) or to
/// refuse it.
/// </summary>
[Stage(6)]
public class OneShotEncryptionTests
{
    private SeedFolder _folder = null!;

    [SetUp]
    public void MakeFolder() => _folder = SeedFolder.Create(32 * 1024);

    [TearDown]
    public void RemoveFolder() => _folder.Dispose();

    [TestCase(EncryptionMode.Require, null, TestName = "Handshake by default redials encrypted a peer that requires it")]
    [TestCase(EncryptionMode.Prefer, "require", TestName = "Handshake with require dials encrypted a peer that would take plain")]
    public async Task HandshakeIsEncryptedWithRc4(EncryptionMode seed, string? encryption)
    {
        await using var seeder = await SeedAsync(seed);
        string[] mode = encryption is null ? [] : ["--encryption", encryption];
        var (exit, output, errors) = await CliRunner.RunAsync(["handshake", "-v", .. mode, _folder.TorrentPath, Address(seeder)]);
        Assert.That(exit, Is.Zero, errors);
        Assert.That(output, Does.Contain("Encryption: MSE, RC4"));
    }

    [Test]
    public async Task HandshakeWithoutEncryptionSaysNone()
    {
        await using var seeder = await SeedAsync(EncryptionMode.Prefer);
        var (_, output, _) = await CliRunner.RunAsync("handshake", "-v", "--encryption", "off", _folder.TorrentPath, Address(seeder));
        Assert.That(output, Does.Contain("Encryption: none"));
    }

    [TestCase("handshake")]
    [TestCase("magnet_handshake")]
    public async Task WithEncryptionOffAPeerThatRequiresItIsAOneLineError(string command)
    {
        await using var seeder = await SeedAsync(EncryptionMode.Require);
        string[] args = command == "handshake"
            ? [command, "--encryption", "off", _folder.TorrentPath, Address(seeder)]
            : [command, "--encryption", "off", Magnet(), "--peer", Address(seeder)];
        var (exit, output, errors) = await CliRunner.RunAsync(args);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Not.Contain("Peer ID"));
        Assert.That(errors.TrimEnd(), Does.StartWith($"metorrent {command}: ").And.Not.Contain("\n"));
    }

    [Test]
    public async Task DownloadPieceWithRequireGetsThePieceOverRc4()
    {
        await using var seeder = await SeedAsync(EncryptionMode.Require);
        string piece = Path.Combine(_folder.Root, "piece-0");
        var (exit, output, errors) = await CliRunner.RunAsync("download_piece", "--encryption", "require", "-o", piece, _folder.TorrentPath, "0", "--peer", Address(seeder));
        Assert.That(exit, Is.Zero, errors);
        Assert.That(output.Trim(), Is.EqualTo($"Piece 0 downloaded to {piece}."));
        var first = File.ReadAllBytes(Path.Combine(_folder.Data, SeedFolder.Files[0].Path)).AsSpan(0, 32 * 1024).ToArray();
        Assert.That(File.ReadAllBytes(piece), Is.EqualTo(first));
    }

    [Test]
    public async Task MagnetInfoWithRequireFetchesTheMetadataOverRc4()
    {
        await using var seeder = await SeedAsync(EncryptionMode.Require);
        var (exit, output, errors) = await CliRunner.RunAsync("magnet_info", "--encryption", "require", Magnet(), "--peer", Address(seeder));
        Assert.That(exit, Is.Zero, errors);
        Assert.That(output, Does.Contain(_folder.Torrent.InfoHash.Hex));
    }

    [Test]
    public async Task MagnetDownloadPieceWithRequireGetsThePiece()
    {
        await using var seeder = await SeedAsync(EncryptionMode.Require);
        string piece = Path.Combine(_folder.Root, "piece-1");
        var (exit, _, errors) = await CliRunner.RunAsync("magnet_download_piece", "--encryption", "require", "-o", piece, Magnet(), "1", "--peer", Address(seeder));
        Assert.That(exit, Is.Zero, errors);
        Assert.That(new FileInfo(piece).Length, Is.EqualTo(32 * 1024));
    }

    private Task<TorrentEngine> SeedAsync(EncryptionMode mode) =>
        TorrentEngine.StartAsync(_folder.Torrent, _folder.Data, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UseTrackers = false,
            Encryption = mode,
        });

    private static string Address(TorrentEngine seeder) => $"127.0.0.1:{seeder.ListenEndPoint!.Port}";

    private string Magnet() => $"magnet:?xt=urn:btih:{_folder.Torrent.InfoHash.Hex}";
}
