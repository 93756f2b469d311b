using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Pex;

/// <summary>
/// Peer exchange (ut_pex, BEP 11) with libtorrent, inside a private network namespace with only 127.0.0.1:
/// each side dials a third peer it heard of only through the other's ut_pex message. No tracker, no DHT,
/// and the third peer's address is given to nobody but the go-between.
/// </summary>
[TestFixture, Stage(5), Interop]
[NonParallelizable] // each test starts three programs; the machine has few cores
public sealed class PexInteropTests : WorkFolderTest
{
    private const int SeederPort = 6881, GoBetweenPort = 6893, LeecherPort = 6891, MeTorrentSeedPort = 6889;
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// `metorrent download --peer` names only a libtorrent peer that has no data; that peer is connected to
    /// a libtorrent seeder and names it in ut_pex. MeTorrent dials the seeder and downloads everything from it.
    /// </summary>
    [Test]
    public void MeTorrentDialsASeederNamedInLibtorrentsPex()
    {
        var payload = RealClientPayload.Create(Work);
        string output = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        // libtorrent seeders drop peers that want nothing, as the go-between does, unless told otherwise.
        using var seeder = LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, SeederPort, keepUploadOnlyPeers: true);
        using var goBetween = LibtorrentPexPeer.Start(ns, payload.TorrentPath, GoBetweenPort, dialPort: SeederPort);

        // Without --port our client does not listen (and sends no listen port), so the seeder cannot dial it:
        // the seeder's data reaches it only if it dials the address it read in the go-between's ut_pex.
        var result = MeTorrentCli.RunIn(ns, ["download", "-o", output, payload.TorrentPath, "--peer", $"127.0.0.1:{GoBetweenPort}", "--verbose"],
            DownloadTimeout);

        Assert.That(result.ExitCode, Is.Zero, $"metorrent download failed:\n{result}\ngo-between:\n{goBetween.LogTail()}");
        Assert.That(result.Errors, Does.Contain($"127.0.0.1:{SeederPort}: connected (outgoing)"), result.ToString());
        foreach (var (path, _) in RealClientPayload.Files)
            Assert.That(File.ReadAllBytes(Path.Combine(output, path)), Is.EqualTo(File.ReadAllBytes(payload.SourceFile(path))), path);
    }

    /// <summary>
    /// A libtorrent leecher dials only `metorrent seed`. Another libtorrent peer (no data, its own ut_pex off)
    /// is connected to the seed too; the seed names it in ut_pex, and the leecher dials it, while it
    /// downloads everything from the seed.
    /// </summary>
    [Test]
    public async Task LibtorrentDialsAPeerNamedInMeTorrentsPex()
    {
        var payload = RealClientPayload.Create(Work);
        string output = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        var (seed, port) = await SeedProcess.StartAsync(
            ["seed", "--no-tracker", "--port", MeTorrentSeedPort.ToString(), "--verbose", payload.TorrentPath, Path.Combine(payload.DataDirectory, payload.Name)], ns);
        using (seed)
        {
            using var third = LibtorrentPexPeer.Start(ns, payload.TorrentPath, GoBetweenPort, dialPort: port, pex: false);

            // lt_pex_peer.py exits 0 once it has every piece and is connected to the third peer, learned through ut_pex.
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_pex_peer.py");
            var result = ns.Run(Tools.SystemPython,
                [script, payload.TorrentPath, output, LeecherPort.ToString(), port.ToString(), "--download", "--until-pex-peer", GoBetweenPort.ToString()],
                DownloadTimeout);

            Assert.That(result.ExitCode, Is.Zero, $"the libtorrent leecher failed:\n{result}\nseed:\n{seed.Errors}");
            Assert.That(result.Output, Does.Contain($"pex peer 127.0.0.1:{GoBetweenPort}"), result.ToString());
            foreach (var (path, _) in RealClientPayload.Files)
                Assert.That(File.ReadAllBytes(Path.Combine(output, payload.Name, path)), Is.EqualTo(File.ReadAllBytes(payload.SourceFile(path))), path);
            Assert.That((await seed.StopAsync()).ExitCode, Is.EqualTo(130));
        }
    }
}
