using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>Attack: the disk is full. Writing to /dev/full fails every write with ENOSPC: one line, exit 1, no stack trace.</summary>
[Stage(5)]
public class FullDiskTests
{
    [Test]
    public async Task AFullDiskIsOneClearLine()
    {
        if (!File.Exists("/dev/full"))
            Assert.Ignore("needs Linux's /dev/full");
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, 64 * 1024, seeders: 1, deadline.Token);
        var result = MeTorrentCli.Run(["download", "-o", "/dev/full", swarm.TorrentPath, "--quiet",
            "--peer", swarm.Seeders[0].ListenEndPoint!.ToString()], TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Errors);
        Assert.That(result.Errors, Does.StartWith("metorrent download: cannot write the download: No space left on device"));
    }
}
