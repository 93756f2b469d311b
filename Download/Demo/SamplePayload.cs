using System.Buffers.Binary;

namespace MeTorrent.Download.Demo;

/// <summary>
/// Deterministic sample data for the demo and the tests: the same seed always gives the same bytes
/// (xorshift64*, fast enough to write hundreds of MiB per second), so nothing has to be downloaded or
/// shipped to have a payload, and a result can be compared with a fresh copy.
/// </summary>
public static class SamplePayload
{
    /// <summary>Writes <paramref name="length"/> bytes of the <paramref name="seed"/> stream to <paramref name="path"/>, creating folders.</summary>
    public static void WriteFile(string path, long length, ulong seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var buffer = new byte[1 << 20];
        ulong state = Scramble(seed);
        for (long done = 0; done < length; done += buffer.Length)
        {
            int chunk = (int)Math.Min(buffer.Length, length - done);
            state = Fill(buffer.AsSpan(0, chunk), state);
            file.Write(buffer, 0, chunk);
        }
    }

    private static ulong Fill(Span<byte> span, ulong state)
    {
        int i = 0;
        for (; i + 8 <= span.Length; i += 8)
        {
            state = Next(state);
            BinaryPrimitives.WriteUInt64LittleEndian(span[i..], state * 0x2545F4914F6CDD1DUL);
        }
        for (; i < span.Length; i++)
        {
            state = Next(state);
            span[i] = (byte)(state >> 56);
        }
        return state;
    }

    private static ulong Next(ulong x)
    {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        return x;
    }

    private static ulong Scramble(ulong seed) => (seed + 1) * 0x9E3779B97F4A7C15UL | 1;
}
