using System.Diagnostics;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and `kill` (SIGTERM) stop a real `metorrent download` cleanly: exit status 130,
/// one line on standard error, no stack trace. The peer never unchokes, so the download is still
/// running when the signal comes.
/// </summary>
[Stage(5)]
public class SignalTests
{
    private static readonly TestTorrent Torrent = TestTorrent.Create(4 * 16384, 16384, seed: 9);

    [TestCase("INT")]
    [TestCase("TERM")]
    public async Task ADownloadStopsCleanlyOnASignal(string signal)
    {
        Tools.Require("env", "coreutils");
        string folder = Path.Combine(Path.GetTempPath(), $"mt-signal-{Guid.NewGuid():N}");
        string torrent = Torrent.WriteTo(folder);
        try
        {
            await using var seeder = TestSeeder.Start(Torrent, new TestSeederOptions { NeverUnchoke = true });
            // `env --default-signal` undoes the SIGINT "ignore" a shell gives to background jobs.
            using var process = ProcessRunner.Start("env", ["--default-signal=INT", MeTorrentCli.Dotnet, MeTorrentCli.AssemblyPath,
                "download", "-o", Path.Combine(folder, "out.bin"), torrent, "--peer", seeder.EndPoint.ToString(), "--quiet"]);
            using var killOnFailure = new ProcessKiller(process);
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();

            var deadline = Stopwatch.StartNew();
            while (seeder.Connections == 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(50);
            Assert.That(seeder.Connections, Is.Positive, "the download connected to the peer");

            ProcessRunner.Run("kill", [$"-{signal}", process.Id.ToString()], TimeSpan.FromSeconds(10));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(wait.Token);

            Assert.That(process.ExitCode, Is.EqualTo(130), await errors);
            Assert.That((await errors).TrimEnd(), Is.EqualTo("metorrent download: interrupted"));
            Assert.That(await output, Is.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Kills the process if the test fails before it exits, so no download is left running.</summary>
    private sealed class ProcessKiller(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
