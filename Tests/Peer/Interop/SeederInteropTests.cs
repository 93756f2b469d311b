using System.Text;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Peer.Interop;

/// <summary>
/// `metorrent handshake` and `metorrent download_piece` against a real client seeding a mktorrent-made
/// torrent (3 MiB + 12345 bytes, 256 KiB pieces: 13 pieces, the last one 12345 bytes), both inside one
/// private network namespace. Each subclass names the client.
/// </summary>
public abstract class SeederInteropTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(90);

    private NetworkNamespace? _ns;
    private SeedPayload? _payload;
    private Seeder? _seeder;
    private string _outDir = null!;

    protected NetworkNamespace Ns => _ns!;
    protected SeedPayload Payload => _payload!;
    protected Seeder Seeder => _seeder!;

    protected abstract Seeder StartSeeder(NetworkNamespace ns, SeedPayload payload);

    /// <summary>Pause between two connections to the same seeder (Transmission drops quick reconnections).</summary>
    protected virtual TimeSpan PauseBetweenConnections => TimeSpan.Zero;

    [OneTimeSetUp]
    public void StartSwarm()
    {
        _ns = NetworkNamespace.Create();
        _payload = SeedPayload.Create(3 * 1024 * 1024 + 12345, 256 * 1024, seed: 4);
        _seeder = StartSeeder(_ns, _payload);
        _outDir = Path.Combine(_payload.Root, "out");
    }

    [OneTimeTearDown]
    public void StopSwarm()
    {
        _seeder?.Dispose();
        _ns?.Dispose();
        _payload?.Dispose();
    }

    [TearDown]
    public void Pause() => Thread.Sleep(PauseBetweenConnections);

    private ProcessRunner.Result Cli(params string[] args) => MeTorrentCli.RunIn(Ns, args, CliTimeout);

    [Test]
    public void HandshakeReturnsTheClientsPeerId()
    {
        var result = Cli("handshake", Payload.TorrentPath, Seeder.Address);
        Assert.That(result.ExitCode, Is.Zero, result + Seeder.LogTail());
        var line = result.Output.Trim();
        Assert.That(line, Does.Match("^Peer ID: [0-9a-f]{40}$"));
        string peerId = Encoding.ASCII.GetString(Convert.FromHexString(line["Peer ID: ".Length..]));
        Assert.That(peerId, Does.StartWith(Seeder.PeerIdPrefix));
    }

    [Test]
    public void EveryClientAnnouncesTheFastAndExtensionProtocols()
    {
        var result = Cli("handshake", "-v", Payload.TorrentPath, Seeder.Address);
        Assert.That(result.ExitCode, Is.Zero, result + Seeder.LogTail());
        TestContext.Out.WriteLine(result.Output);
        Assert.That(result.Output, Does.Contain("Extensions: Extensions, Fast"));
        Assert.That(result.Output, Does.Contain($"Client: {Seeder.PeerIdPrefix}"));
    }

    [Test]
    public void DownloadsTheShortLastPiece() => DownloadPiece(Payload.Torrent.PieceCount - 1);

    protected void DownloadPiece(int index)
    {
        string output = Path.Combine(_outDir, $"piece-{index}");
        var result = Cli("download_piece", "-o", output, Payload.TorrentPath, index.ToString(), "--peer", Seeder.Address);
        Assert.That(result.ExitCode, Is.Zero, result + Seeder.LogTail());
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(Payload.Piece(index).ToArray()));
    }
}

[TestFixture, Stage(4), Interop]
public class LibtorrentInteropTests : SeederInteropTests
{
    protected override Seeder StartSeeder(NetworkNamespace ns, SeedPayload payload) =>
        LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDir, 6881);

    [Test]
    public void DownloadsAFullPiece() => DownloadPiece(0);

    [Test]
    public void DownloadsAMiddlePiece() => DownloadPiece(6);
}

[TestFixture, Stage(4), Interop]
public class Aria2InteropTests : SeederInteropTests
{
    protected override Seeder StartSeeder(NetworkNamespace ns, SeedPayload payload) =>
        Aria2Seeder.Start(ns, payload.TorrentPath, payload.DataDir, 6882);

    [Test]
    public void DownloadsAFullPiece() => DownloadPiece(0);
}

/// <summary>Transmission unchokes on a 10 s timer, so each download takes ~10 s: two connections only.</summary>
[TestFixture, Stage(4), Interop]
public class TransmissionInteropTests : SeederInteropTests
{
    protected override TimeSpan PauseBetweenConnections => TransmissionSeeder.ReconnectPause;

    protected override Seeder StartSeeder(NetworkNamespace ns, SeedPayload payload) =>
        TransmissionSeeder.Start(ns, payload.TorrentPath, payload.DataDir, 51413);
}

[TestFixture, Stage(4), Interop]
public class QbittorrentInteropTests : SeederInteropTests
{
    protected override Seeder StartSeeder(NetworkNamespace ns, SeedPayload payload) =>
        QbittorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDir, 6883);
}
