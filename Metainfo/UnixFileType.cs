using System.Runtime.InteropServices;

namespace MeTorrent.Metainfo;

/// <summary>
/// Asks the C library's lstat(2) whether a path is a regular file. .NET shows pipes, sockets and
/// devices as empty files, and opening a pipe would block forever, so a torrent maker must ask.
/// </summary>
internal static class UnixFileType
{
    private const int RegularFile = 0x8000; // S_IFREG
    private const int TypeMask = 0xF000;    // S_IFMT

    /// <summary>True for a regular file, false for anything else, null where we cannot tell (other OS or CPU).</summary>
    public static bool? IsRegularFile(string path)
    {
        // st_mode's place in struct stat depends on the CPU: after dev, ino and nlink on x86-64,
        // after dev and ino on arm64 (the generic Linux layout).
        int? modeOffset = !OperatingSystem.IsLinux() ? null : RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => null,
        };
        if (modeOffset is not { } offset)
            return null;
        var stat = new byte[256]; // larger than struct stat on either CPU
        try
        {
            if (LStat(path, stat) != 0)
                return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // no "libc" to load, or one older than glibc 2.33 without a plain lstat symbol
        }
        int mode = BitConverter.ToInt32(stat, offset);
        return (mode & TypeMask) == RegularFile;
    }

#pragma warning disable SYSLIB1054 // a single tiny call; the source-generated form needs unsafe code
    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054
}
