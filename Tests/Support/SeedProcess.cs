using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MeTorrent.Tests.Support;

/// <summary>
/// A real `metorrent seed` (or `download --seed`) process, on the host or inside a
/// <see cref="NetworkNamespace"/>: started, its port read from the "... on port N" line it prints,
/// stopped with a signal like Ctrl-C. Standard error is collected all along (the status line).
/// Dispose kills it if a test failed before stopping it.
/// </summary>
public sealed partial class SeedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new(), _errors = new();
    private readonly Task _readingErrors, _readingOutput;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SeedProcess(Process process)
    {
        _process = process;
        process.StandardInput.Close();
        _readingErrors = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
                lock (_errors) _errors.Append(buffer, 0, read);
        });
        _readingOutput = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output) _output.AppendLine(line);
                if (PortLine().Match(line) is { Success: true } match)
                    _port.TrySetResult(int.Parse(match.Groups[1].Value));
            }
            _port.TrySetException(new InvalidOperationException($"metorrent exited before saying its port:\n{Errors}"));
        });
    }

    public int Id => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public string Errors { get { lock (_errors) return _errors.ToString(); } }

    /// <summary>Starts `metorrent ARGS` (in <paramref name="ns"/> if given) and waits until it says which port it serves on.</summary>
    public static async Task<(SeedProcess Process, int Port)> StartAsync(IEnumerable<string> args, NetworkNamespace? ns = null, TimeSpan? timeout = null)
    {
        // `env --default-signal` undoes the SIGINT "ignore" a shell may give to background jobs.
        string[] command = ["env", "--default-signal=INT", MeTorrentCli.Dotnet, MeTorrentCli.AssemblyPath, .. args];
        var process = ns is null
            ? ProcessRunner.Start(command[0], command[1..])
            : ProcessRunner.Start("ip", ["netns", "exec", ns.Name, .. command]);
        var seed = new SeedProcess(process);
        try
        {
            int port = await seed._port.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
            return (seed, port);
        }
        catch (TimeoutException)
        {
            seed.Dispose();
            throw new AssertionException($"metorrent did not say its port in time:\nstdout:\n{seed.Output}\nstderr:\n{seed.Errors}");
        }
        catch
        {
            seed.Dispose();
            throw;
        }
    }

    /// <summary>Sends the signal (INT is Ctrl-C) and waits for the exit: its status and everything it wrote to standard error.</summary>
    public async Task<(int ExitCode, string Errors)> StopAsync(string signal = "INT", TimeSpan? timeout = null)
    {
        ProcessRunner.Run("kill", [$"-{signal}", _process.Id.ToString()], TimeSpan.FromSeconds(10));
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
        await Task.WhenAll(_readingErrors, _readingOutput);
        return (_process.ExitCode, Errors);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    [GeneratedRegex(@" on port (\d+)")]
    private static partial Regex PortLine();
}
