using System.Diagnostics;
using NUnit.Framework;

namespace MeTorrent.Tests.Support;

/// <summary>
/// A private network namespace with only a loopback interface: third-party clients run inside it, so
/// nothing they do can reach any address but 127.0.0.1 (some probe the LAN for IPv6 otherwise).
/// Our own client joins them there as the `metorrent` CLI (<see cref="MeTorrentCli"/>).
/// Dispose stops every process started in it and deletes it.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private static int _counter;
    private readonly List<Process> _background = [];

    public string Name { get; }

    private NetworkNamespace(string name) => Name = name;

    /// <summary>Creates a fresh namespace (skipped locally / failed in CI when that is impossible).</summary>
    public static NetworkNamespace Create()
    {
        Tools.RequireNetworkNamespaces();
        string name = $"mt{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        Check(ProcessRunner.Run("ip", ["netns", "add", name], TimeSpan.FromSeconds(10)), "ip netns add");
        var ns = new NetworkNamespace(name);
        Check(ns.Run("ip", ["link", "set", "lo", "up"], TimeSpan.FromSeconds(10)), "ip link set lo up");
        return ns;
    }

    /// <summary>Runs a program inside the namespace to completion.</summary>
    public ProcessRunner.Result Run(string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null) =>
        ProcessRunner.Run("ip", ["netns", "exec", Name, program, .. args], timeout, workingDirectory);

    /// <summary>Starts a long-running program inside the namespace; it is killed on Dispose.</summary>
    public Process Start(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var process = ProcessRunner.Start("ip", ["netns", "exec", Name, program, .. args], workingDirectory);
        // Drain the pipes so a chatty daemon never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _background.Add(process);
        return process;
    }

    /// <summary>Waits until something in the namespace accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public void WaitForTcpPort(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // bash's /dev/tcp opens a connection from inside the namespace.
            if (Run("bash", ["-c", $"exec 3<>/dev/tcp/127.0.0.1/{port}"], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return;
            Thread.Sleep(100);
        }
        Assert.Fail($"nothing listened on 127.0.0.1:{port} in namespace {Name} within {timeout.TotalSeconds} s");
    }

    public void Dispose()
    {
        foreach (var process in _background)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
        // Anything still running inside (a daemon that forked) is killed before the namespace goes.
        ProcessRunner.Run("ip", ["netns", "pids", Name], TimeSpan.FromSeconds(5)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToList()
            .ForEach(pid => ProcessRunner.Run("kill", ["-9", pid.Trim()], TimeSpan.FromSeconds(5)));
        ProcessRunner.Run("ip", ["netns", "delete", Name], TimeSpan.FromSeconds(10));
    }

    private static void Check(ProcessRunner.Result result, string what)
    {
        if (result.ExitCode != 0)
            Tools.Unavailable($"{what} failed: {result.Errors.Trim()}");
    }
}
