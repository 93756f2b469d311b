using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

[Stage(1)]
public class DecodeCommandTests
{
    [TestCase("5:hello", "\"hello\"")]
    [TestCase("i52e", "52")]
    [TestCase("i-52e", "-52")]
    [TestCase("l5:helloi52ee", "[\"hello\",52]")]
    [TestCase("d3:foo3:bar5:helloi52ee", "{\"foo\":\"bar\",\"hello\":52}")]
    [TestCase("le", "[]")]
    public async Task PrintsTheValueAsJson(string input, string json)
    {
        var result = await CliRunner.RunAsync("decode", input);
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output.TrimEnd(), Is.EqualTo(json));
        Assert.That(result.Errors, Is.Empty);
    }

    [TestCase("5:hi", "metorrent decode: Invalid bencode at byte 0: string length 5 is larger than the 2 bytes left")]
    [TestCase("i-0e", "metorrent decode: Invalid bencode at byte 1: negative zero is not allowed")]
    [TestCase("i1ex", "metorrent decode: Invalid bencode at byte 3: unexpected data after the end of the value")]
    public async Task BadInputIsOneLineOnStandardError(string input, string message)
    {
        var result = await CliRunner.RunAsync("decode", input);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.TrimEnd(), Is.EqualTo(message));
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task MissingArgumentAndHelp()
    {
        var missing = await CliRunner.RunAsync("decode");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Errors, Does.StartWith("metorrent decode: expected one bencoded string"));

        var help = await CliRunner.RunAsync("decode", "--help");
        Assert.That(help.ExitCode, Is.Zero);
        Assert.That(help.Output, Does.StartWith("Usage: metorrent decode"));
    }
}
