using MeTorrent.Download.Cli;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>
/// The command line itself: help for every command, and the exit status scheme
/// (0 done, 1 user error, 2 no or unknown command). Errors are one line on standard error.
/// </summary>
[Stage(1)]
public class CliUsageTests
{
    private static IEnumerable<string> CommandNames() => CommandRegistry.All().Select(c => c.Name);

    [Test]
    public async Task NoCommandPrintsUsageAndExitsWithTwo()
    {
        var result = await CliRunner.RunAsync();
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Output, Does.Contain("Usage: metorrent <command>").And.Contain("Exit status:"));
        foreach (var name in CommandNames())
            Assert.That(result.Output, Does.Contain($"  {name} "), name);
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("help")]
    public async Task TopLevelHelpExitsWithZero(string flag)
    {
        var result = await CliRunner.RunAsync(flag);
        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Output, Does.Contain("Usage: metorrent <command>"));
        Assert.That(result.Errors, Is.Empty);
    }

    [TestCase("bogus")]
    [TestCase("-x")]
    [TestCase("DECODE")]
    public async Task AnUnknownCommandExitsWithTwo(string name)
    {
        var result = await CliRunner.RunAsync(name, "arg");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent: unknown command \"{name}\" (try metorrent --help)"));
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task AnUnknownCommandIsPrintedWithoutItsControlCharacters()
    {
        var result = await CliRunner.RunAsync("\u001b]0;owned\u0007");
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo("metorrent: unknown command \"\\x1b]0;owned\\x07\" (try metorrent --help)"));
    }

    [TestCaseSource(nameof(CommandNames))]
    public async Task EveryCommandHasHelp(string name)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var result = await CliRunner.RunAsync(name, flag);
            Assert.That(result.ExitCode, Is.Zero, flag);
            Assert.That(result.Output, Does.StartWith($"Usage: metorrent {name}"), flag);
            Assert.That(result.Errors, Is.Empty);
        }
        // --help wins over anything else on the line, even arguments that would be an error.
        var mixed = await CliRunner.RunAsync(name, "extra1", "extra2", "extra3", "--help");
        Assert.That(mixed.ExitCode, Is.Zero);
    }

    [TestCase("download", "-o", "out.bin", "any.torrent")]
    [TestCase("seed", "any.torrent", "data")]
    [TestCase("handshake", "any.torrent", "127.0.0.1:6881")]
    [TestCase("download_piece", "-o", "out.bin", "any.torrent", "0")]
    [TestCase("magnet_handshake", "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567")]
    [TestCase("magnet_info", "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567")]
    [TestCase("magnet_download_piece", "-o", "out.bin", "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "0")]
    public async Task AnEncryptionModeItDoesNotKnowIsOneLineAndExitOne(string name, params string[] rest)
    {
        var result = await CliRunner.RunAsync([name, .. rest, "--encryption", "always"]);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent {name}: --encryption takes prefer, require or off, not \"always\""));
    }

    [TestCase("decode")]
    [TestCase("info")]
    [TestCase("create")]
    [TestCase("peers")]
    [TestCase("handshake")]
    [TestCase("download_piece")]
    [TestCase("download")]
    [TestCase("demo")]
    [TestCase("tracker")]
    [TestCase("bench")]
    public async Task TheHelpShowsAnExampleCommandLine(string name)
    {
        var result = await CliRunner.RunAsync(name, "--help");
        var examples = result.Output.Split('\n').Skip(1).Select(line => line.Trim())
            .Where(line => line.StartsWith($"metorrent {name} ", StringComparison.Ordinal) || line.Contains($" -- {name}", StringComparison.Ordinal));
        Assert.That(examples, Is.Not.Empty, result.Output);
    }

    [TestCaseSource(nameof(CommandNames))]
    public async Task AnUnknownOptionIsOneLineAndExitOne(string name)
    {
        var result = await CliRunner.RunAsync(name, "--no-such-option");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent {name}: unknown option --no-such-option"));
        Assert.That(result.Output, Is.Empty);
    }

    [TestCase("decode")]
    [TestCase("info")]
    [TestCase("create")]
    [TestCase("peers")]
    [TestCase("handshake")]
    [TestCase("download_piece")]
    [TestCase("download")]
    public async Task MissingArgumentsAreOneLineAndExitOne(string name)
    {
        var result = await CliRunner.RunAsync(name);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent {name}: expected "));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [TestCase("peers", "--port")]
    [TestCase("download", "-o")]
    [TestCase("download_piece", "--peer")]
    [TestCase("create", "-t")]
    [TestCase("tracker", "--interval")]
    public async Task AnOptionWithoutItsValueIsNamed(string name, string option)
    {
        var result = await CliRunner.RunAsync(name, "x", option);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent {name}: option {option} needs a value"));
    }

    [TestCase("peers", "--port", "x", "x.torrent")]
    [TestCase("peers", "--port", "70000", "x.torrent")]
    [TestCase("peers", "--numwant", "-1", "x.torrent")]
    [TestCase("tracker", "--port", "99999", null)]
    [TestCase("tracker", "--interval", "1e3", null)]
    [TestCase("bench", "--seconds", "0", null)]
    [TestCase("demo", "--seeders", "0", null)]
    public async Task ABadNumberIsNamedWithItsRange(string name, string option, string value, string? positional)
    {
        string[] args = positional is null ? [name, $"{option}={value}"] : [name, $"{option}={value}", positional];
        var result = await CliRunner.RunAsync(args);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent {name}: option {option} must be a whole number from "));
        Assert.That(result.Errors, Does.EndWith($", not \"{value}\"{Environment.NewLine}"));
    }

    [TestCase("download_piece", "-o", "", "a.torrent", "0")]
    [TestCase("download", "-o", "", "a.torrent")]
    [TestCase("create", "-o", "", "folder")]
    [TestCase("peers", "--port=", "a.torrent")]
    public async Task AnEmptyOptionValueIsRefused(params string[] args)
    {
        // Path.GetFullPath("") threw ArgumentException: a stack trace for `-o "$UNSET"`.
        var result = await CliRunner.RunAsync(args);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        string option = args[1].TrimEnd('=');
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent {args[0]}: option {option} needs a value, not an empty string"));
    }

    [TestCase("create", "-o", "x.torrent", "")]
    [TestCase("info", "")]
    [TestCase("handshake", "", "127.0.0.1:1")]
    [TestCase("decode", "--", "")]
    public async Task AnEmptyArgumentIsRefused(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo($"metorrent {args[0]}: an argument is an empty string (an unset shell variable?)"));
    }
}
