using MeTorrent.Download.Engine;
using MeTorrent.Download.Demo;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>Stopping and starting again: what is on disk and correct is kept, only the rest is fetched.</summary>
[Stage(5)]
public class ResumeTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task ACancelledDownloadResumesWithoutFetchingVerifiedPiecesAgain(bool multiFile)
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(4 << 20, multiFile, 64 * 1024, seeders: 1, deadline.Token);
        var slow = await swarm.AddSeederAsync(SeederQuirk.Slow, deadline.Token);

        var first = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(slow.ListenEndPoint!), deadline.Token);
        await WaitUntilAsync(() => first.PiecesHave >= swarm.Torrent.PieceCount / 4, deadline.Token);
        await first.DisposeAsync();   // what Ctrl-C does
        Assert.That(first.IsComplete, Is.False, "stopped part way");
        long keptBytes = first.Stats.BytesDone;

        await using (var second = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(swarm.Seeders[0].ListenEndPoint!), deadline.Token))
        {
            Assert.That(second.Stats.BytesAlreadyHad, Is.EqualTo(keptBytes), "every piece verified before the stop is found on disk");
            await second.Completion.WaitAsync(deadline.Token);
            Assert.That(second.Stats.BytesReceived, Is.LessThanOrEqualTo(swarm.Torrent.TotalLength - keptBytes + 4 * 16384),
                "only the missing pieces were fetched (plus at most a few endgame duplicates)");
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True);
    }

    [Test]
    public async Task CtrlCStopsTheCliCleanlyAndTellsTheTracker()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(4 << 20, multiFile: true, 64 * 1024, seeders: 0, deadline.Token);
        var slow = await swarm.AddSeederAsync(SeederQuirk.Slow, deadline.Token);
        await WaitUntilAsync(() => swarm.Tracker!.PeerCount(swarm.Torrent.InfoHash) == 1, deadline.Token);
        long total = swarm.Torrent.TotalLength;

        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var output = new StringWriter();
        var errors = new StringWriter();
        var run = MeTorrent.Download.Program.RunAsync(["download", "-o", swarm.DownloadPath, swarm.TorrentPath, "--quiet"], output, errors, ctrlC.Token);
        await WaitUntilAsync(() => swarm.Tracker!.PeerCount(swarm.Torrent.InfoHash) == 2 && slow.Stats.BytesUploaded > total / 4, deadline.Token);
        ctrlC.Cancel();
        int code = await run.WaitAsync(deadline.Token);

        Assert.That(code, Is.EqualTo(130), errors.ToString());
        Assert.That(errors.ToString().Trim(), Is.EqualTo("metorrent download: interrupted"));
        Assert.That(output.ToString(), Is.Empty);
        Assert.That(swarm.Tracker!.PeerCount(swarm.Torrent.InfoHash), Is.EqualTo(1), "the downloader announced 'stopped'");

        var second = await MeTorrent.Download.Program.RunAsync(["download", "-o", swarm.DownloadPath, swarm.TorrentPath, "--quiet"], output, errors, deadline.Token);
        Assert.That(second, Is.Zero, errors.ToString());
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True);
        Assert.That(slow.Stats.BytesUploaded, Is.LessThan(total + total / 2), "the second run fetched only what was missing");
    }

    [Test]
    public async Task ADamagedPieceOnDiskIsFetchedAgainAndNothingElse()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(2 << 20, multiFile: false, 64 * 1024, seeders: 1, deadline.Token);
        var seeder = swarm.Seeders[0].ListenEndPoint!;
        await using (var first = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(seeder), deadline.Token))
            await first.Completion.WaitAsync(deadline.Token);

        using (var file = File.OpenWrite(swarm.DownloadPath))
        {
            file.Position = 5 * 64 * 1024 + 100;   // inside piece 5
            file.WriteByte((byte)~File.ReadAllBytes(swarm.Content.Root)[file.Position]);
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.False);

        await using (var second = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, FastOptions(seeder), deadline.Token))
        {
            await second.Completion.WaitAsync(deadline.Token);
            Assert.That(second.Stats.BytesReceived, Is.EqualTo(64 * 1024), "exactly the damaged piece");
        }
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AnExistingFileLongerThanTheTorrentsIsCutToLengthKeepingItsGoodPieces(bool complete)
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, 64 * 1024, seeders: 1, deadline.Token);
        byte[] source = File.ReadAllBytes(swarm.Content.Root);
        int kept = complete ? source.Length : source.Length / 2;
        Directory.CreateDirectory(Path.GetDirectoryName(swarm.DownloadPath)!);
        using (var file = File.Create(swarm.DownloadPath))
        {
            file.Write(source, 0, kept);                       // good data (all, or the first half) ...
            file.Write(new byte[source.Length - kept + 5000]);  // ... then zeros, running 5000 bytes past the torrent's end
        }

        var options = complete ? new EngineOptions { UseTrackers = false } : FastOptions(swarm.Seeders[0].ListenEndPoint!);
        await using (var engine = await TorrentEngine.StartAsync(swarm.Torrent, swarm.DownloadPath, options, deadline.Token))
        {
            Assert.That(engine.Stats.BytesAlreadyHad, Is.GreaterThanOrEqualTo(kept - 64 * 1024), "the good pieces on disk were kept");
            await engine.Completion.WaitAsync(deadline.Token);
        }
        Assert.That(new FileInfo(swarm.DownloadPath).Length, Is.EqualTo(source.Length));
        Assert.That(swarm.Verify(swarm.DownloadPath), Is.True, "byte-exact: the old tail is gone");
    }

    [Test]
    public async Task AfterKill9TheCliResumesAndFinishedDataIsNotFetchedAgain()
    {
        using var deadline = Deadline(120);
        // The CLI also asks the swarm's tracker, so only the slow seeder may be in the swarm during the first run.
        await using var swarm = await SwarmAsync(8 << 20, multiFile: false, 64 * 1024, seeders: 0, deadline.Token);
        var slow = await swarm.AddSeederAsync(SeederQuirk.Slow, deadline.Token);
        string output = swarm.DownloadPath;
        long total = swarm.Torrent.TotalLength;

        using (var process = ProcessRunner.Start(MeTorrentCli.Dotnet,
            [MeTorrentCli.AssemblyPath, "download", "-o", output, swarm.TorrentPath, "--peer", slow.ListenEndPoint!.ToString(), "--quiet"]))
        {
            try
            {
                await WaitUntilAsync(() => slow.Stats.BytesUploaded > total / 3 || process.HasExited, deadline.Token);
                Assert.That(process.HasExited, Is.False, () => $"the download was still running when killed: exit {process.ExitCode} {process.StandardOutput.ReadToEnd()} {process.StandardError.ReadToEnd()}");
            }
            finally
            {
                process.Kill(entireProcessTree: true);   // SIGKILL: no chance to flush or save anything
                await process.WaitForExitAsync(deadline.Token);
            }
        }

        long slowBefore = slow.Stats.BytesUploaded;
        var fast = await swarm.AddSeederAsync(SeederQuirk.None, deadline.Token);
        var result = await Task.Run(() => MeTorrentCli.Run(
            ["download", "-o", output, swarm.TorrentPath, "--peer", fast.ListenEndPoint!.ToString(), "--quiet"], TimeSpan.FromSeconds(60)), deadline.Token);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Output.Trim(), Is.EqualTo($"Downloaded {swarm.TorrentPath} to {output}."));
        Assert.That(swarm.Verify(output), Is.True, "byte-exact after the crash and restart");
        long secondRun = fast.Stats.BytesUploaded + slow.Stats.BytesUploaded - slowBefore;
        Assert.That(secondRun, Is.GreaterThan(0).And.LessThan(total - total / 4), "pieces finished before the kill were kept");
    }
}
