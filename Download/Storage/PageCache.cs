using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MeTorrent.Download.Storage;

/// <summary>
/// Gives a file's pages back to the kernel once they are on disk (Linux: <c>posix_fadvise(POSIX_FADV_DONTNEED)</c>
/// over the whole file after each flush). Without it a long download would push up to all of RAM's worth of
/// other programs' files out of the page cache, and its next writes can reuse the pages just released. The
/// price: a piece a peer asks for soon after it was flushed is read from the disk rather than from memory.
/// On a virtual machine that hands free memory back to its host (virtio-balloon free page reporting) it also
/// matters for speed: there the first write to a page the guest has not used for a while costs a fault on the
/// host, and without this the single writer paced the end of the 1 GiB swarm benchmark (0.75 ms per 256 KiB
/// piece instead of 0.2-0.4; Download/Benchmarks/NOTES.md). Only clean pages are dropped: data written since
/// the flush stays cached (the kernel starts writing it out, as it would anyway).
/// </summary>
internal static class PageCache
{
    private const int DontNeed = 4;   // POSIX_FADV_DONTNEED on Linux

    /// <summary>Advises the kernel to drop <paramref name="file"/>'s clean cached pages; a no-op elsewhere, and advice only.</summary>
    public static void Release(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
            return;   // 64-bit: off_t is a long, as declared below
        try
        {
            _ = Advise(file, 0, 0, DontNeed);   // length 0: to the end of the file. A refusal changes nothing we rely on.
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // no "libc" to load: the pages stay cached, as without this call
        }
    }

#pragma warning disable SYSLIB1054 // a single tiny call; the source-generated form needs unsafe code
    // The handle is passed as its register-sized value, which the C int parameter reads (x86-64 and arm64 ABIs).
    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int Advise(SafeFileHandle fd, long offset, long length, int advice);
#pragma warning restore SYSLIB1054
}
