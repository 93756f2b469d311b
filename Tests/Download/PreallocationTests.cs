using System.Diagnostics;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// A file is allocated whole when its first piece lands (fallocate, keeping the length at what was written):
/// the file system maps writes to blocks it has, whatever order pieces arrive in, and a disk too small for the
/// torrent fails at once. A file that was already there is left as it is (resume).
/// </summary>
[Stage(5)]
public class PreallocationTests
{
    private const int PieceLength = 16 * 1024;
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = SwarmHelpers.TempFolder();

    [TearDown]
    public void Clean() => SwarmHelpers.Delete(_folder);

    /// <summary>Bytes the file system has allocated to a file (GNU stat: blocks × block unit).</summary>
    private static long AllocatedBytes(string path)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", ["--format=%b %B", path]) { RedirectStandardOutput = true })!;
        string[] figures = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(figures[0]) * long.Parse(figures[1]);
    }

    private Torrent OneFile(int length, out byte[] data)
    {
        string source = Path.Combine(_folder, "source.bin");
        SamplePayload.WriteFile(source, length, 3);
        data = File.ReadAllBytes(source);
        return Torrent.Parse(SwarmHelpers.TorrentFor(source, PieceLength));
    }

    [Test]
    public void ANewFileIsAllocatedWholeAtItsFirstPieceAndItsLengthFollowsTheWrites()
    {
        var torrent = OneFile(64 * PieceLength, out byte[] data);
        string output = Path.Combine(_folder, "out.bin");
        using (var storage = TorrentStorage.Open(torrent, output))
            storage.WritePiece(3, data.AsSpan(3 * PieceLength, PieceLength));
        Assert.That(new FileInfo(output).Length, Is.EqualTo(4 * PieceLength), "the length is where the data ends, as without preallocation");
        Assert.That(AllocatedBytes(output), Is.GreaterThanOrEqualTo(64L * PieceLength), "all of the file's blocks are allocated, not only piece 3's");
        Assert.That(File.ReadAllBytes(output).AsSpan(3 * PieceLength).ToArray(), Is.EqualTo(data.AsSpan(3 * PieceLength, PieceLength).ToArray()));
    }

    [Test]
    public void AFileThatWasThereKeepsItsDataAndIsNotGrown()
    {
        var torrent = OneFile(64 * PieceLength, out byte[] data);
        string output = Path.Combine(_folder, "out.bin");
        File.WriteAllBytes(output, data.AsSpan(0, PieceLength).ToArray());   // piece 0, from an earlier run
        using (var storage = TorrentStorage.Open(torrent, output))
            storage.WritePiece(1, data.AsSpan(PieceLength, PieceLength));
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(data.AsSpan(0, 2 * PieceLength).ToArray()), "piece 0 kept, piece 1 added");
        Assert.That(AllocatedBytes(output), Is.LessThan(64L * PieceLength), "an existing file is not preallocated");
    }

    [Test]
    public void ADiskTooSmallForTheFileFailsAtItsFirstPieceAndLeavesNothing()
    {
        // A 1 MiB tmpfs and a 4 MiB file: without preallocation the first pieces would fit, and the disk would
        // fill up a quarter of the way through the download.
        if (Environment.UserName != "root")
            Tools.Unavailable("mounting a small tmpfs needs root");
        string small = Path.Combine(_folder, "small");
        Directory.CreateDirectory(small);
        var mount = ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small], TimeSpan.FromSeconds(30));
        if (mount.ExitCode != 0)
            Tools.Unavailable($"cannot mount a tmpfs: {mount}");
        try
        {
            var torrent = OneFile(256 * PieceLength, out byte[] data);
            string output = Path.Combine(small, "out.bin");
            using var storage = TorrentStorage.Open(torrent, output);
            var error = Assert.Throws<IOException>(() => storage.WritePiece(0, data.AsSpan(0, PieceLength)));
            Assert.That(error!.Message, Does.Contain("disk was full").Or.Contain("space"), "a message that says why");
            Assert.That(File.Exists(output), Is.False, "no partial file is left behind");
        }
        finally
        {
            ProcessRunner.Run("umount", [small], TimeSpan.FromSeconds(30));
        }
    }
}
