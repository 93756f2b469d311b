using System.Diagnostics;
using System.Text;

namespace MeTorrent.Tests.Support;

/// <summary>Runs a program to completion (bounded by a time-out) or starts one in the background.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }

    /// <param name="standardInput">bytes to feed the program's stdin; stdin is closed after them (or at once)</param>
    public static Result Run(string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null,
        byte[]? standardInput = null)
    {
        using var process = Start(program, args, workingDirectory);
        if (standardInput is not null)
            process.StandardInput.BaseStream.Write(standardInput);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(-1, output.Result, errors.Result + $"\n(killed after {timeout.TotalSeconds} s)");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    public static Process Start(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        if (workingDirectory is not null)
            info.WorkingDirectory = workingDirectory;
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
    }
}
