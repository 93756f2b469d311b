using System.Collections.Concurrent;
using System.Net;
using System.Runtime.ExceptionServices;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Metainfo.Lesson;
using MeTorrent.Tests.Peer.Lesson;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>Shared pieces of the lesson 05 tests: a sample torrent, fake seeders, a bounded engine run.</summary>
internal static class LessonDownload
{
    public const int PieceLength = 32 * 1024;

    /// <summary>A single-file torrent of <paramref name="content"/> whose info hash the fake peers answer to.</summary>
    public static Torrent SampleTorrent(byte[] content) =>
        Torrent.Parse(LessonTorrent.SingleFile("http://127.0.0.1:1/announce", "lesson05.bin", PieceLength, content).Bytes);

    public static FakePeer Seeder(Torrent torrent, byte[] content, int holdUntil = 1, Func<int, bool>? has = null) =>
        new(torrent.InfoHash.ToArray(), FakePeer.Seed(content, PieceLength, holdUntil: holdUntil, has: has));

    /// <summary>
    /// Downloads <paramref name="torrent"/> from <paramref name="peers"/> only (no tracker, no listening) into a
    /// fresh temporary file and returns its bytes. Fails at once with the stub's NotImplementedException if a
    /// lesson stub stopped the engine, and after 20 s otherwise, with the engine's last log lines.
    /// </summary>
    public static async Task<byte[]> DownloadAsync(Torrent torrent, params IPEndPoint[] peers)
    {
        string folder = Path.Combine(Path.GetTempPath(), "metorrent-lesson05-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string output = Path.Combine(folder, "lesson05.bin");
        var log = new ConcurrentQueue<string>();
        var stubHit = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new EngineOptions
        {
            UseTrackers = false,
            ListenPort = null,
            Peers = peers,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReadTimeout = TimeSpan.FromSeconds(10),
            NoProgressTimeout = TimeSpan.FromSeconds(15),
            RetryDelay = TimeSpan.FromMilliseconds(200),
            Log = line =>
            {
                log.Enqueue(line);
                if (line.Contains("Lesson 05", StringComparison.Ordinal))
                    stubHit.TrySetResult(line);
            },
        };
        try
        {
            await using (var engine = await TorrentEngine.StartAsync(torrent, output, options))
            {
                var finished = await Task.WhenAny(engine.Completion, stubHit.Task, Task.Delay(TimeSpan.FromSeconds(20)));
                // A stub that throws inside the torrent's loop stops the engine ("internal error"): fail with the stub's own exception.
                if (engine.Completion.Exception?.InnerException is EngineException { InnerException: NotImplementedException stub })
                    ExceptionDispatchInfo.Throw(stub);
                if (finished == stubHit.Task)
                    Assert.Fail($"the engine dropped a peer because of a lesson stub: {stubHit.Task.Result}");
                if (finished != engine.Completion)
                    Assert.Fail("the download did not complete within 20 s; the engine's last words:\n" + string.Join('\n', log.TakeLast(15)));
                await engine.Completion;
            }
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
