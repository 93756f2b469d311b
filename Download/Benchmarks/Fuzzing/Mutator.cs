namespace MeTorrent.Download.Benchmarks.Fuzzing;

/// <summary>Small random edits to a valid input, the kinds that break parsers: flips, digits, cuts, splices.</summary>
public static class Mutator
{
    private static readonly byte[] Interesting = "0123456789:ilde-"u8.ToArray();

    public static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;                               // random byte
                case 1: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;          // structural byte
                case 2: bytes.Insert(at, Interesting[random.Next(Interesting.Length)]); break;    // insertion
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8))); break; // deletion
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;                           // truncation
                case 5:                                                                            // duplicate a run
                    int length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default: bytes[at] = (byte)(bytes[at] ^ (1 << random.Next(8))); break;           // bit flip
            }
        }
        return [.. bytes];
    }
}
