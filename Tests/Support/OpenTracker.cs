using System.Diagnostics;
using MeTorrent.Metainfo;

namespace MeTorrent.Tests.Support;

/// <summary>
/// The real opentracker (Debian package) inside a <see cref="NetworkNamespace"/>, HTTP and UDP on
/// 127.0.0.1:<see cref="Port"/>. Debian builds it in whitelist mode: only info hashes passed to
/// <see cref="Start"/> or <see cref="Allow"/> are served (others get "Requested download is not
/// authorized"). It chroots into its own folder and drops to user nobody, so the whitelist path is
/// relative to that folder and both must be readable by nobody. Answers are always compact and include
/// the asking peer itself. Dispose stops it with SIGTERM (SIGINT makes it abort inside the chroot).
/// </summary>
public sealed class OpenTracker : IDisposable
{
    public const int DefaultPort = 6969;
    private const string WhitelistFile = "whitelist.txt";

    private readonly DirectoryInfo _root;
    private readonly Process _process;

    private OpenTracker(DirectoryInfo root, Process process, int port)
    {
        _root = root;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string HttpAnnounceUrl => $"http://127.0.0.1:{Port}/announce";

    public string UdpAnnounceUrl => $"udp://127.0.0.1:{Port}/announce";

    /// <summary>Starts opentracker in <paramref name="ns"/> serving <paramref name="allowed"/>; waits until it accepts connections.</summary>
    public static OpenTracker Start(NetworkNamespace ns, IEnumerable<InfoHash> allowed, int port = DefaultPort)
    {
        string program = Tools.Require("opentracker", "opentracker");
        var root = Directory.CreateTempSubdirectory("metorrent-opentracker-");
        // nobody must be able to enter the chroot and read the whitelist.
        OpenToEveryone(root.FullName);
        string whitelist = Path.Combine(root.FullName, WhitelistFile);
        File.WriteAllLines(whitelist, allowed.Select(h => h.Hex));
        OpenToEveryone(whitelist);

        var process = ns.Start(program,
            ["-i", "127.0.0.1", "-p", $"{port}", "-P", $"{port}", "-d", root.FullName, "-u", "nobody", "-w", WhitelistFile],
            workingDirectory: root.FullName);
        var tracker = new OpenTracker(root, process, port);
        try
        {
            ns.WaitForTcpPort(port, TimeSpan.FromSeconds(10));
        }
        catch
        {
            tracker.Dispose();
            throw;
        }
        return tracker;
    }

    /// <summary>Lets every user read <paramref name="path"/> (and enter it, if a folder): daemons that drop to nobody need it.</summary>
    public static void OpenToEveryone(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var read = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var enter = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(path, Directory.Exists(path) ? read | enter : read);
    }

    /// <summary>Adds an info hash to the whitelist and makes opentracker reload it (SIGHUP).</summary>
    public void Allow(InfoHash infoHash)
    {
        File.AppendAllLines(Path.Combine(_root.FullName, WhitelistFile), [infoHash.Hex]);
        Signal("HUP");
        Thread.Sleep(200); // the reload is asynchronous
    }

    private void Signal(string signal) =>
        ProcessRunner.Run("kill", [$"-{signal}", $"{_process.Id}"], TimeSpan.FromSeconds(5));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("TERM");
            if (!_process.WaitForExit(5000))
                _process.Kill(entireProcessTree: true);
        }
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
