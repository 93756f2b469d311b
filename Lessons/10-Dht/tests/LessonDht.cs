using System.Net;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Tests.Tracker.Dht.Lesson;

/// <summary>
/// Ids, distances and a clock for the lesson 10 tests. The tests compute the expected order of ids with
/// their own byte-by-byte XOR comparison (<see cref="CompareDistance"/>), never with the student's code.
/// </summary>
internal static class LessonDht
{
    /// <summary>An id from up to 40 hex digits, padded on the right with zeros: "80" is 0x80 followed by 19 zero bytes.</summary>
    public static NodeId Id(string hex) =>
        NodeId.TryParseHex(hex.PadRight(2 * NodeId.Length, '0'), out var id) ? id : throw new ArgumentException($"not hex: {hex}");

    /// <summary>An id whose bytes are all zero but one: <paramref name="value"/> at <paramref name="index"/>.</summary>
    public static NodeId IdWithByte(int index, byte value)
    {
        var bytes = new byte[NodeId.Length];
        bytes[index] = value;
        return new NodeId(bytes);
    }

    public static NodeId RandomId(Random random)
    {
        var bytes = new byte[NodeId.Length];
        random.NextBytes(bytes);
        return new NodeId(bytes);
    }

    /// <summary>
    /// An id that shares exactly <paramref name="prefix"/> leading bits with <paramref name="self"/> (the rest
    /// random): it belongs in bucket <paramref name="prefix"/> of <paramref name="self"/>'s table.
    /// </summary>
    public static NodeId WithPrefix(NodeId self, int prefix, Random random)
    {
        var bytes = self.ToArray();
        var noise = new byte[NodeId.Length];
        random.NextBytes(noise);
        for (int bit = prefix; bit < NodeId.Bits; bit++)
        {
            int index = bit / 8, mask = 0x80 >> (bit % 8);
            bool value = bit == prefix ? (bytes[index] & mask) == 0 : (noise[index] & mask) != 0; // the first differing bit, then noise
            bytes[index] = (byte)(value ? bytes[index] | mask : bytes[index] & ~mask);
        }
        return new NodeId(bytes);
    }

    /// <summary>The tests' own XOR metric: negative if <paramref name="a"/> is closer to <paramref name="target"/> than <paramref name="b"/>.</summary>
    public static int CompareDistance(byte[] target, byte[] a, byte[] b)
    {
        for (int i = 0; i < target.Length; i++)
        {
            int da = target[i] ^ a[i], db = target[i] ^ b[i]; // bytes are unsigned: 0x80 > 0x7f
            if (da != db)
                return da.CompareTo(db);
        }
        return 0;
    }

    /// <summary><paramref name="ids"/> closest to <paramref name="target"/> first, by the tests' own metric.</summary>
    public static List<NodeId> ByDistance(NodeId target, IEnumerable<NodeId> ids)
    {
        byte[] t = target.ToArray();
        var list = ids.Select(id => (Id: id, Bytes: id.ToArray())).ToList();
        list.Sort((x, y) => CompareDistance(t, x.Bytes, y.Bytes));
        return list.Select(x => x.Id).ToList();
    }

    /// <summary>A node at an in-memory address (nothing is ever sent anywhere): 10.0.x.y:6881.</summary>
    public static NodeContact Contact(NodeId id, int number) =>
        new(id, new IPEndPoint(new IPAddress([10, (byte)(number / 62500), (byte)(number / 250 % 250), (byte)(1 + number % 250)]), 6881));
}

/// <summary>A clock the tests move by hand: BEP 5's 15 minutes pass in an instant.</summary>
internal sealed class LessonClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
