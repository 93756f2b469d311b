using System.Net;
using MeTorrent.Download.Cli;
using MeTorrent.Download.Engine;
using MeTorrent.Download.Progress;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// A seeder is complete from the start, so <see cref="TorrentEngine.Completion"/> cannot tell that its loop stopped
/// on an error later (a bug, or lesson 06's untouched stubs): without <see cref="TorrentEngine.LoopFailure"/> the
/// `seed` command would go on showing its status line with nobody answering peers.
/// </summary>
[Stage(6)]
public class SeederLoopFailureTests
{
    [Test]
    public async Task ASeedersLoopThatFailsEndsServingWithItsErrorInOneLine()
    {
        using var folder = SeedFolder.Create();
        using var deadline = Deadline(30);
        // The loop calls Log when a peer joins: a Log that throws stands for any error of the loop's own.
        await using var seeder = await TorrentEngine.StartAsync(folder.Torrent, folder.Data, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UseTrackers = false,
            Log = line =>
            {
                if (line.EndsWith(": connected (incoming)", StringComparison.Ordinal))
                    throw new InvalidOperationException("the loop broke");
            },
        }, deadline.Token);
        Assert.That(seeder.Completion.IsCompletedSuccessfully, Is.True, "a seeder's Completion is done before any peer comes");
        var serving = SeedCommand.ServeUntilStoppedAsync(seeder, ProgressDisplay.Mode.Quiet, TextWriter.Null, deadline.Token);

        await using var peer = await PeerConnection.ConnectAsync(seeder.ListenEndPoint!, folder.Torrent.InfoHash, PeerId.Generate(),
            new PeerConnectionOptions { PieceCount = folder.Torrent.PieceCount }, deadline.Token);

        var failure = (await Assert.ThrowsAsync<EngineException>(() => seeder.LoopFailure.WaitAsync(deadline.Token)))!;
        Assert.That(failure.Message, Is.EqualTo("internal error: the loop broke"));
        var error = (await Assert.ThrowsAsync<UserError>(() => serving.WaitAsync(deadline.Token),
            "serving ends with the loop's error, not at the deadline"))!;
        Assert.That(error.Message, Is.EqualTo("internal error: the loop broke"), "one line: the `seed` command prints it after its name");
    }

    [Test]
    public async Task AHealthySeedersLoopFailureIsCancelledOnlyWhenItStops()
    {
        using var folder = SeedFolder.Create();
        using var deadline = Deadline(30);
        var seeder = await TorrentEngine.StartAsync(folder.Torrent, folder.Data,
            new EngineOptions { ListenPort = 0, ListenAddress = IPAddress.Loopback, UseTrackers = false }, deadline.Token);
        await Task.Delay(500, deadline.Token);
        Assert.That(seeder.LoopFailure.IsCompleted, Is.False, "a loop that runs has not failed");
        await seeder.DisposeAsync();
        Assert.That(seeder.LoopFailure.IsCanceled, Is.True, "disposed: the loop ended without an error");
    }
}
