using System.Diagnostics;
using NUnit.Framework;

namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// A third-party BitTorrent client seeding one torrent on 127.0.0.1:<see cref="Port"/> inside a
/// <see cref="NetworkNamespace"/>. Subclasses start it and return only once it serves the data.
/// Dispose stops the client and deletes its scratch folder (configuration, log).
/// </summary>
public abstract class Seeder : IDisposable
{
    private Process? _process;

    protected Seeder(NetworkNamespace ns, int port)
    {
        Namespace = ns;
        Port = port;
        WorkDir = Directory.CreateTempSubdirectory($"mt-{GetType().Name.ToLowerInvariant()}-").FullName;
    }

    public NetworkNamespace Namespace { get; }

    /// <summary>The peer port, on 127.0.0.1 inside <see cref="Namespace"/>.</summary>
    public int Port { get; }

    /// <summary>"127.0.0.1:port", as `metorrent --peer` takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The start of the client's peer id (BEP 20 style), e.g. "-LT", "-TR", "A2-".</summary>
    public abstract string PeerIdPrefix { get; }

    /// <summary>Scratch folder for the client's configuration, state and log.</summary>
    public string WorkDir { get; }

    /// <summary>Where the client's stdout and stderr go.</summary>
    protected string LogPath => Path.Combine(WorkDir, "client.log");

    /// <summary>The log worth showing when something fails (the client's own log file, if it keeps one).</summary>
    protected virtual string DiagnosticLogPath => LogPath;

    /// <summary>The last lines of the client's log, for failure messages.</summary>
    public string LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(DiagnosticLogPath);
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 15)));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>Starts <paramref name="program"/> in the namespace with stdout and stderr going to the log.</summary>
    protected void StartProcess(string program, IEnumerable<string> args)
    {
        _process = Namespace.Start("bash", ["-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "bash", LogPath, program, .. args]);
    }

    protected bool HasExited => _process?.HasExited ?? true;

    /// <summary>Polls <paramref name="condition"/> until true; fails the test with the client's log on time-out or exit.</summary>
    protected void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
                return;
            if (HasExited)
                Assert.Fail($"{GetType().Name} exited while waiting until {what}:\n{LogTail()}");
            Thread.Sleep(200);
        }
        Assert.Fail($"{GetType().Name}: not {what} after {timeout.TotalSeconds} s:\n{LogTail()}");
    }

    /// <summary>
    /// Waits until the client completes a handshake for the torrent (bt_probe.py, Debian's python3): some
    /// clients listen before the torrent is started and meanwhile close every handshake for it.
    /// </summary>
    protected void WaitForHandshake(string torrentPath, TimeSpan timeout)
    {
        string infoHash = MeTorrent.Metainfo.Torrent.Load(torrentPath).InfoHash.Hex;
        string probe = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "bt_probe.py");
        WaitUntil(() => Namespace.Run(Tools.SystemPython, [probe, Port.ToString(), infoHash], TimeSpan.FromSeconds(10)).ExitCode == 0,
            timeout, $"completing a handshake on {Address}");
    }

    protected virtual void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException) { }
        _process?.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
