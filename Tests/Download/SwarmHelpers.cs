using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;

namespace MeTorrent.Tests.Download;

/// <summary>Shared pieces of the in-process swarm tests: short timeouts, a bounded wait, a scratch folder.</summary>
internal static class SwarmHelpers
{
    /// <summary>Downloader options with timeouts short enough for tests (a misbehaving peer costs about a second).</summary>
    public static EngineOptions FastOptions(params IPEndPoint[] peers) => FastOptions(EngineOptions.DefaultMaxInFlightBytes, peers);

    public static EngineOptions FastOptions(long maxInFlightBytes, params IPEndPoint[] peers) => new()
    {
        MaxInFlightBytes = maxInFlightBytes,
        Peers = peers,
        UseTrackers = peers.Length == 0,
        StallTimeout = TimeSpan.FromSeconds(2),
        ChokeTimeout = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(200),
        NoProgressTimeout = TimeSpan.FromSeconds(20),
        Log = line => NUnit.Framework.TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"),
    };

    /// <summary>A .torrent for a file or folder on disk (any piece length, e.g. 16 bytes; optional BEP 47 alignment).</summary>
    public static byte[] TorrentFor(string source, int pieceLength, IReadOnlyList<string>? trackers = null, long? alignFilesOfAtLeast = null)
    {
        var builder = new MeTorrent.Metainfo.TorrentBuilder(source)
        {
            PieceLength = pieceLength,
            AllowSmallPieces = true,
            AlignFilesOfAtLeast = alignFilesOfAtLeast,
            CreationDate = null,
        };
        foreach (string tracker in trackers ?? [])
            builder.Trackers.Add(tracker);
        return builder.Build();
    }

    public static CancellationTokenSource Deadline(int seconds = 60) => new(TimeSpan.FromSeconds(seconds));

    public static Task<DemoSwarm> SwarmAsync(long size, bool multiFile, int pieceLength, int seeders, CancellationToken ct) =>
        DemoSwarm.StartAsync(new DemoSwarmOptions { Size = size, MultiFile = multiFile, PieceLength = pieceLength, Seeders = seeders }, ct);

    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds; fails the test when <paramref name="ct"/> fires first.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
            await Task.Delay(5, ct);
    }

    public static string TempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"metorrent-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void Delete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
