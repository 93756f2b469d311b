namespace MeTorrent.Tests.Support;

/// <summary>
/// Runs the real `metorrent` command (the Download project's build output, next to the tests) —
/// in a network namespace for interop tests, or directly.
/// </summary>
public static class MeTorrentCli
{
    /// <summary>The built CLI assembly; the Tests project references Download, so it is copied beside us.</summary>
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "metorrent.dll");

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : (Tools.Find("dotnet") ?? "dotnet");

    public static ProcessRunner.Result Run(IEnumerable<string> args, TimeSpan timeout) =>
        ProcessRunner.Run(Dotnet, [AssemblyPath, .. args], timeout);

    public static ProcessRunner.Result RunIn(NetworkNamespace ns, IEnumerable<string> args, TimeSpan timeout) =>
        ns.Run(Dotnet, [AssemblyPath, .. args], timeout);
}
