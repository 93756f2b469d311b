using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>
/// Attack: a torrent of very many files (issue 9: 25,000 one-byte files ended in "Too many open files" and
/// left 19,943 empty files behind). The real `metorrent download`, run with a limit of 512 open files, gets
/// them all byte-exact from a seeder; before the bounded file pool it opened one descriptor per file.
/// </summary>
[Stage(5)]
public class ManyFilesTests
{
    private const int FileCount = 25_000;
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    [Test]
    public async Task TwentyFiveThousandOneByteFilesDownloadUnderAnOpenFileLimitOf512()
    {
        string source = Path.Combine(_folder, "source");
        for (int i = 0; i < FileCount; i++)
        {
            string path = Path.Combine(source, $"d{i % 50}", $"f{i}");
            if (i < 50) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [(byte)i]);
        }
        File.WriteAllBytes(Path.Combine(source, "d0", "empty"), []);
        string torrentPath = Path.Combine(_folder, "many.torrent");
        File.WriteAllBytes(torrentPath, TorrentFor(source, 16 * 1024));
        var torrent = Torrent.Load(torrentPath);

        using var deadline = Deadline(180);
        await using var seeder = await TorrentEngine.StartAsync(torrent, source,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, deadline.Token);
        Assert.That(seeder.IsComplete, Is.True);

        string output = Path.Combine(_folder, "out");
        string command = $"ulimit -n 512 && exec \"{MeTorrentCli.Dotnet}\" \"{MeTorrentCli.AssemblyPath}\" download -o \"{output}\" " +
                         $"\"{torrentPath}\" --peer {seeder.ListenEndPoint} --quiet --timeout 60";
        var result = ProcessRunner.Run("bash", ["-c", command], TimeSpan.FromSeconds(150));

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Errors, Is.Empty);
        foreach (var file in torrent.Files)
            Assert.That(File.ReadAllBytes(SafePath.Combine(output, file.Path)), Is.EqualTo(File.ReadAllBytes(SafePath.Combine(source, file.Path))), file.DisplayPath);
    }
}
