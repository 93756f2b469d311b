using MeTorrent.Download.Benchmarks.Fuzzing;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

/// <summary>
/// Mutated torrents: the parser either returns a torrent whose numbers are consistent, or throws
/// MetainfoException — never anything else, and never a torrent with an unsafe path.
/// </summary>
[Stage(2)]
public class TorrentParserFuzzTests
{
    [Test]
    public void MutatedTorrentsOnlyEverThrowMetainfoException()
    {
        var random = new Random(42);
        var seeds = FuzzSeeds.All();
        int parsed = 0, rejected = 0;
        for (int i = 0; i < BencodeFuzzTests.Iterations; i++)
        {
            byte[] input = Mutator.Mutate(seeds[i % seeds.Count], random);
            Torrent torrent;
            try
            {
                torrent = TorrentParser.Parse(input);
            }
            catch (MetainfoException e)
            {
                Assert.That(e.Message, Is.Not.Empty);
                rejected++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} escaped the parser: {e.Message}\ninput: {Convert.ToBase64String(input)}");
                return;
            }
            parsed++;
            CheckConsistent(torrent, i);
        }
        Assert.That(parsed, Is.GreaterThan(BencodeFuzzTests.Iterations / 100), "mutants that still parse");
        Assert.That(rejected, Is.GreaterThan(BencodeFuzzTests.Iterations / 2), "mutants that are rejected");
    }

    private static void CheckConsistent(Torrent torrent, int iteration)
    {
        string where = $"iteration {iteration}";
        Assert.That(torrent.PieceCount, Is.GreaterThan(0), where);
        Assert.That((long)(torrent.PieceCount - 1) * torrent.PieceLength, Is.LessThan(torrent.TotalLength), where);
        Assert.That(torrent.LastPieceLength, Is.InRange(1, torrent.PieceLength), where);
        Assert.That(torrent.Files.Sum(f => f.Length), Is.EqualTo(torrent.TotalLength), where);
        Assert.That(SafePath.Problem(torrent.Name), Is.Null, where);
        foreach (var file in torrent.Files)
            Assert.That(file.Path.Select(SafePath.Problem), Has.All.Null, where);
        var last = torrent.MapToFiles(torrent.PieceCount - 1, 0, torrent.LastPieceLength);
        Assert.That(last.Sum(s => s.Length), Is.EqualTo(torrent.LastPieceLength), where);
    }
}
