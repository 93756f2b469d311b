using System.Text.RegularExpressions;
using MeTorrent.Bencode;
using MeTorrent.Download.Benchmarks;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

[Stage(1)]
public class BenchCommandTests
{
    [Test]
    public async Task PrintsThroughputForDecodeEncodeAndParse()
    {
        var result = await CliRunner.RunAsync("bench", "--files", "300", "--seconds", "1");
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        Assert.That(result.Output, Does.Contain("300 files"));
        foreach (string name in new[] { "bencode decode", "bencode encode", "torrent parse" })
            Assert.That(Regex.IsMatch(result.Output, $@"^{name} +\d+ MB/s", RegexOptions.Multiline), Is.True, $"{name}:\n{result.Output}");
    }

    [Test]
    public async Task PickerPrintsCpuPerPieceForEachTorrentSize()
    {
        var result = await CliRunner.RunAsync("bench", "picker", "--max-pieces", "10000", "--peers", "5");
        Assert.That(result.ExitCode, Is.Zero, result.Errors);
        foreach (string pieces in new[] { "1000", "10000" })
            Assert.That(Regex.IsMatch(result.Output, $@"^ +{pieces} +5 +\d+\.\d\d +\d+\.\d\d +\d+$", RegexOptions.Multiline), Is.True,
                $"a row of figures for {pieces} pieces:\n{result.Output}");
        Assert.That(result.Output, Does.Not.Contain("100000 "), "--max-pieces is the largest size measured");
    }

    [Test]
    public async Task RefusesAnUnknownBenchmark()
    {
        var result = await CliRunner.RunAsync("bench", "pickr");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.Contain("unknown benchmark \"pickr\""));
    }

    [Test]
    public void TheSyntheticTorrentIsAValidDeterministicTorrent()
    {
        byte[] bytes = SyntheticTorrent.Create(fileCount: 1000, pieceLength: 16384);
        Assert.That(SyntheticTorrent.Create(fileCount: 1000, pieceLength: 16384), Is.EqualTo(bytes));
        var torrent = TorrentParser.Parse(bytes);
        Assert.That(torrent.Files, Has.Count.EqualTo(1000));
        Assert.That(BencodeEncoder.Encode(BencodeDecoder.Decode(bytes)), Is.EqualTo(bytes), "canonical bencode");
    }

    [Test]
    public async Task RefusesBadOptions()
    {
        var result = await CliRunner.RunAsync("bench", "--files", "0");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors.Trim(), Is.EqualTo("metorrent bench: option --files must be a whole number from 1 to 400000, not \"0\""));
    }
}
