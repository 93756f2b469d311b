using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// Our real `metorrent download` command fetches a multi-file torrent (nested folders, a zero-length
/// file, an odd last piece) from one third-party seeder, inside a private network namespace, and
/// every file must come out byte for byte.
/// </summary>
[TestFixture, Stage(5), Interop]
[NonParallelizable] // each test starts two clients; the machine has few cores
public sealed class RealClientDownloadTests : WorkFolderTest
{
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public void DownloadsEveryFileFromLibtorrent() =>
        DownloadFrom((ns, payload) => LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, check: true));

    [Test]
    public void DownloadsEveryFileFromTransmission() =>
        DownloadFrom((ns, payload) => TransmissionSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory));

    [Test]
    public void DownloadsEveryFileFromAria2() =>
        DownloadFrom((ns, payload) => Aria2Seeder.Start(ns, payload.TorrentPath, payload.DataDirectory));

    [Test]
    public void DownloadsEveryFileFromQbittorrent() =>
        DownloadFrom((ns, payload) => QbittorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory));

    // Seeders set to take only encrypted handshakes (MSE) close our plain one unanswered; we dial again with MSE.
    // libtorrent's own implementation and Transmission's, which share no code.
    [TestCase("--encrypted", "plaintext after it")]
    [TestCase("--rc4", "RC4")]
    public void DownloadsEveryFileFromLibtorrentThatRequiresEncryption(string level, string method)
    {
        var result = DownloadFrom((ns, payload) => LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, check: true,
            encryption: level), "--verbose");
        Assert.That(result.Errors, Does.Contain($"dialled with an encrypted handshake (MSE), {method}"));
    }

    [Test]
    public void DownloadsEveryFileFromTransmissionThatRequiresEncryption()
    {
        var result = DownloadFrom((ns, payload) => TransmissionSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory,
            requireEncryption: true), "--verbose");
        Assert.That(result.Errors, Does.Contain("dialled with an encrypted handshake (MSE), RC4"));
    }

    [Test]
    public void WithEncryptionRequiredEveryFileComesFromLibtorrentAsItComesOverRc4()
    {
        var result = DownloadFrom((ns, payload) => LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, check: true),
            "--verbose", "--encryption", "require");
        Assert.That(result.Errors, Does.Contain("dialled with an encrypted handshake (MSE), RC4"));
    }

    private ProcessRunner.Result DownloadFrom(Func<NetworkNamespace, RealClientPayload, Seeder> startSeeder, params string[] options)
    {
        var payload = RealClientPayload.Create(Work);
        // -o names the folder that receives a multi-file torrent's files directly.
        string outDirectory = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        using var seeder = startSeeder(ns, payload);

        var result = MeTorrentCli.RunIn(ns,
            ["download", "-o", outDirectory, payload.TorrentPath, "--peer", seeder.Address, .. options], DownloadTimeout);

        Assert.That(result.ExitCode, Is.Zero, $"metorrent download failed:\n{result}\nseeder log:\n{seeder.LogTail()}");
        AssertSameFiles(payload, outDirectory);
        return result;
    }

    private static void AssertSameFiles(RealClientPayload payload, string downloadedRoot)
    {
        Assert.That(Directory.Exists(downloadedRoot), $"{downloadedRoot} was not created");
        var expected = RealClientPayload.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();
        var actual = Directory.EnumerateFiles(downloadedRoot, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(downloadedRoot, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.That(actual, Is.EqualTo(expected), "the downloaded folder must hold exactly the torrent's files");
        Assert.Multiple(() =>
        {
            foreach (var (path, length) in RealClientPayload.Files)
            {
                byte[] got = File.ReadAllBytes(Path.Combine(downloadedRoot, path));
                Assert.That(got, Has.Length.EqualTo(length), path);
                Assert.That(got.AsSpan().SequenceEqual(File.ReadAllBytes(payload.SourceFile(path))), Is.True,
                    $"{path} differs from the seeded file");
            }
        });
    }
}
