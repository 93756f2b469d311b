using MeTorrent.Download;

namespace MeTorrent.Tests.Cli;

/// <summary>Runs `metorrent` in-process with captured output: fast, and no process to start.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        int exitCode = await Program.RunAsync(args, output, errors, CancellationToken.None);
        return new Result(exitCode, output.ToString(), errors.ToString());
    }
}
