using System.Net;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Tests.Metadata.Lesson;

/// <summary>Lesson 09's test data: a made-up info dictionary, peers on 127.0.0.1 (never dialled), and a fixed clock.</summary>
internal static class MetadataSample
{
    public static readonly IPEndPoint Honest = IPEndPoint.Parse("127.0.0.1:1001");
    public static readonly IPEndPoint Liar = IPEndPoint.Parse("127.0.0.1:1002");
    public static readonly IPEndPoint Third = IPEndPoint.Parse("127.0.0.1:1003");
    public static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    public const int PieceLength = MetadataMessage.PieceLength;

    /// <summary>40,000 bytes of "metadata": three pieces, 16,384 + 16,384 + 7,232 bytes.</summary>
    public static readonly byte[] Info = Bytes(40_000);

    public static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + i / 251)).ToArray();

    /// <summary>An assembly for <paramref name="info"/> (by default <see cref="Info"/>), with these peers as its sources.</summary>
    public static MetadataAssembly Assembly(byte[]? info = null, params IPEndPoint[] sources)
    {
        info ??= Info;
        var assembly = new MetadataAssembly(InfoHash.Compute(info), info.Length, RequestTimeout);
        foreach (var source in sources)
            assembly.AddSource(source);
        return assembly;
    }

    /// <summary>Piece <paramref name="index"/> of <paramref name="info"/>: 16 KiB, or what is left for the last.</summary>
    public static byte[] Piece(int index, byte[]? info = null)
    {
        info ??= Info;
        int start = index * PieceLength;
        return info.AsSpan(start, Math.Min(PieceLength, info.Length - start)).ToArray();
    }

    /// <summary><see cref="Info"/> with one bit changed in piece 1: the same size, the wrong SHA-1.</summary>
    public static byte[] Forged()
    {
        var forged = (byte[])Info.Clone();
        forged[20_000] ^= 1;
        return forged;
    }
}
