using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// Once written pieces are flushed to disk, their pages go back to the kernel (posix_fadvise DONTNEED on Linux):
/// a download does not fill the page cache with data it will not read again, and its next writes reuse the
/// pages it released.
/// </summary>
[Stage(5)]
public class PageCacheTests
{
    private const int PieceLength = 16 * 1024;
    private const int Pieces = 256;   // 4 MiB
    private string _folder = "";

    [SetUp]
    public void MakeFolder()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Ignore("releasing cached pages is a Linux call");
        // On a disk, not in memory: a tmpfs file lives in the page cache and has no other copy to fall back on
        // (/tmp is a tmpfs on some systems; the build's own folder or /var/tmp seldom is).
        string? parent = new[] { TestContext.CurrentContext.WorkDirectory, "/var/tmp", Path.GetTempPath() }
            .FirstOrDefault(candidate => Directory.Exists(candidate) && new DriveInfo(candidate).DriveFormat is not ("tmpfs" or "ramfs"));
        if (parent is null)
            Assert.Ignore("no folder on a disk to write to: every candidate is in memory (tmpfs)");
        _folder = Path.Combine(parent, $"page-cache-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void Clean()
    {
        if (_folder != "")
            SwarmHelpers.Delete(_folder);
    }

    [Test]
    public void FlushedPiecesLeaveThePageCache()
    {
        string source = Path.Combine(_folder, "source.bin");
        SamplePayload.WriteFile(source, Pieces * PieceLength, 5);
        byte[] data = File.ReadAllBytes(source);
        var torrent = Torrent.Parse(SwarmHelpers.TorrentFor(source, PieceLength));
        string output = Path.Combine(_folder, "out.bin");
        // No flush-behind: the only flush is the one the test asks for.
        using var storage = TorrentStorage.Open(torrent, output, new StorageOptions { FlushInterval = TimeSpan.Zero });
        for (int i = 0; i < Pieces; i++)
            storage.WritePiece(i, data.AsSpan(i * PieceLength, PieceLength));

        // Written and not flushed, the pages are cached: an assumption about the file system (ZFS, for one, keeps
        // its own cache), so the test is inconclusive where it does not hold.
        Assume.That(CachedShare(output), Is.GreaterThan(0.9), "written and not flushed: the pages are in the page cache");
        storage.Flush();
        Assert.That(CachedShare(output), Is.LessThan(0.05), "flushed: the pages were given back");
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(data), "the data itself is on disk, whole");
    }

    /// <summary>The share of a file's pages in the page cache (mincore over a read-only mapping of it).</summary>
    private static double CachedShare(string path)
    {
        long length = new FileInfo(path).Length;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        int pageSize = Environment.SystemPageSize;
        var resident = new byte[(length + pageSize - 1) / pageSize];
        IntPtr start = view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset;
        if (MinCore(start, (nuint)length, resident) != 0)
            Assert.Fail($"mincore failed: errno {Marshal.GetLastPInvokeError()}");
        return resident.Count(flags => (flags & 1) != 0) / (double)resident.Length;
    }

#pragma warning disable SYSLIB1054 // a single tiny call; the source-generated form needs unsafe code
    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int MinCore(IntPtr start, nuint length, byte[] residency);
#pragma warning restore SYSLIB1054
}
