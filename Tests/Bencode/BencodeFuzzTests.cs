using MeTorrent.Download.Benchmarks.Fuzzing;
using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Bencode;

/// <summary>
/// A bounded, deterministic mutation fuzz run: real torrents with bytes flipped, inserted, deleted,
/// duplicated and cut. Whatever comes in, the decoder either returns a value that re-encodes and decodes
/// to the same thing, or throws BencodeException — never anything else.
/// </summary>
[Stage(1)]
public class BencodeFuzzTests
{
    public const int Iterations = 20_000;

    [Test]
    public void MutatedTorrentsOnlyEverThrowBencodeException()
    {
        var random = new Random(20261125);
        var seeds = FuzzSeeds.All();
        int decoded = 0, rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutator.Mutate(seeds[i % seeds.Count], random);
            BValue value;
            try
            {
                value = BencodeDecoder.Decode(input);
            }
            catch (BencodeException e)
            {
                Assert.That(e.Offset, Is.InRange(0, input.Length), $"iteration {i}");
                rejected++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name} escaped the decoder: {e.Message}\ninput: {Convert.ToBase64String(input)}");
                return;
            }
            decoded++;
            byte[] reencoded = BencodeEncoder.Encode(value);
            Assert.That(BencodeEncoder.Encode(BencodeDecoder.Decode(reencoded)), Is.EqualTo(reencoded), $"iteration {i}");
        }
        // Both outcomes must be well represented, or the mutations are too weak or too destructive.
        Assert.That(decoded, Is.GreaterThan(Iterations / 50), "mutants that still decode");
        Assert.That(rejected, Is.GreaterThan(Iterations / 2), "mutants that are rejected");
    }

    [Test]
    public void RandomBytesOnlyEverThrowBencodeException()
    {
        var random = new Random(7);
        byte[] alphabet = "0123456789:ilde-"u8.ToArray();
        for (int i = 0; i < Iterations; i++)
        {
            var input = new byte[random.Next(0, 40)];
            for (int j = 0; j < input.Length; j++)
                input[j] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            try
            {
                var value = BencodeDecoder.Decode(input);
                Assert.That(BencodeEncoder.Encode(value), Has.Length.LessThanOrEqualTo(input.Length), "canonical form is never longer");
            }
            catch (BencodeException)
            {
            }
        }
    }
}
