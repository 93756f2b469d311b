using NUnit.Framework;

namespace MeTorrent.Tests.Support;

/// <summary>
/// Third-party programs the interop tests need. A missing tool skips the test with a message that says
/// how to install it — except in CI (CI=true), where `.ci/run` installs everything and a missing tool
/// is a failure, never a silent skip.
/// </summary>
public static class Tools
{
    /// <summary>Debian's Python, the one python3-libtorrent is built for (not a pyenv python3 on PATH).</summary>
    public const string SystemPython = "/usr/bin/python3";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (locally) or fails (in CI) unless <paramref name="program"/> is on PATH or is an existing path.</summary>
    public static string Require(string program, string aptPackage)
    {
        string? found = Find(program);
        if (found is not null)
            return found;
        Unavailable($"{program} is not installed (apt-get install {aptPackage})");
        return "";
    }

    /// <summary>Skips (locally) or fails (in CI) unless Debian's python3 can import libtorrent.</summary>
    public static void RequireLibtorrent()
    {
        if (!File.Exists(SystemPython) || ProcessRunner.Run(SystemPython, ["-c", "import libtorrent"], TimeSpan.FromSeconds(30)).ExitCode != 0)
            Unavailable("python3-libtorrent is not installed for /usr/bin/python3 (apt-get install python3-libtorrent)");
    }

    /// <summary>Skips (locally) or fails (in CI) unless we may create network namespaces (root and `ip`).</summary>
    public static void RequireNetworkNamespaces()
    {
        Require("ip", "iproute2");
        if (Environment.UserName != "root" && !InCi)
            Unavailable("network namespaces need root (the interop tests run third-party clients in one)");
    }

    public static void Unavailable(string why)
    {
        if (InCi)
            Assert.Fail($"{why} — CI must have it (.ci/run installs it)");
        Assert.Ignore(why);
    }

    public static string? Find(string program)
    {
        if (program.Contains('/'))
            return File.Exists(program) ? program : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                     .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
