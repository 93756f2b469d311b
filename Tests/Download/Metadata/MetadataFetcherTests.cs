using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Metadata;

/// <summary>The fetcher against fake peers on 127.0.0.1: honest, lying, rejecting, silent and absurd ones.</summary>
[Stage(5)]
public class MetadataFetcherTests
{
    /// <summary>A valid single-file info dictionary of 160,078 bytes (8,000 piece hashes): ten metadata pieces.</summary>
    private static readonly byte[] Info = MakeInfo(8000);

    private static byte[] MakeInfo(int pieces)
    {
        var hashes = new byte[pieces * 20];
        new Random(7).NextBytes(hashes);
        return [.. Encoding.ASCII.GetBytes($"d6:lengthi{pieces * 16384L}e4:name9:movie.mkv12:piece lengthi16384e6:pieces{hashes.Length}:"), .. hashes, (byte)'e'];
    }

    private static MagnetLink Magnet => new(InfoHash.Compute(Info), "movie.mkv", ["http://127.0.0.1:6969/announce"], []);

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static MetadataFetchOptions Options(ConcurrentQueue<string> log, params FakeMetadataPeer[] peers) => new()
    {
        Peers = peers.Select(p => p.EndPoint).ToList(),
        RequestTimeout = TimeSpan.FromSeconds(1.5),
        Timeout = TimeSpan.FromSeconds(30),
        Log = log.Enqueue,
    };

    private static MagnetLink Offline(MagnetLink magnet) => magnet with { Trackers = [] };

    [Test]
    public async Task CompletesFromTheHonestPeerDespiteALiarARejecterASilentPeerAndAnAbsurdOne()
    {
        var log = new ConcurrentQueue<string>();
        await using var liar = new FakeMetadataPeer(Info, MetadataBehaviour.WrongHash);
        await using var rejecter = new FakeMetadataPeer(Info, MetadataBehaviour.Rejects);
        await using var silent = new FakeMetadataPeer(Info, MetadataBehaviour.Silent);
        await using var huge = new FakeMetadataPeer(Info, MetadataBehaviour.ClaimsHugeSize);
        // The honest peer speaks last, so the others are all asked first.
        await using var honest = new FakeMetadataPeer(Info, MetadataBehaviour.Honest, handshakeDelay: TimeSpan.FromSeconds(3));

        var fetched = await MetadataFetcher.FetchAsync(Offline(Magnet), Options(log, liar, rejecter, silent, huge, honest), Deadline());

        Assert.That(fetched.Torrent.InfoHash, Is.EqualTo(Magnet.InfoHash));
        Assert.That(fetched.Torrent.InfoBytes.ToArray(), Is.EqualTo(Info));
        Assert.That(fetched.Torrent.Name, Is.EqualTo("movie.mkv"));
        string lines = string.Join("\n", log);
        TestContext.Out.WriteLine(lines);
        Assert.That(lines, Does.Contain($"metadata from {liar.EndPoint} does not match the info hash; thrown away, peer dropped"));
        Assert.That(lines, Does.Contain($"{rejecter.EndPoint} rejected metadata piece"));
        Assert.That(log.Count(line => line.Contains("rejected")), Is.EqualTo(1), "one line per event");
        Assert.That(lines, Does.Contain($"{silent.EndPoint} did not answer a metadata request within 1.5 s; dropped"));
        Assert.That(lines, Does.Contain($"{huge.EndPoint} (fake ClaimsHugeSize): metadata_size 104857600 bytes is larger than the 32 MiB we accept; dropped"));
        Assert.That(huge.Requests, Is.Zero, "an absurd size is refused before anything is asked");
        Assert.That(fetched.Peers, Does.Contain(honest.EndPoint));
        Assert.That(fetched.Peers, Does.Not.Contain(liar.EndPoint), "the liar is not handed to the download");
    }

    [Test]
    public async Task SeveralHonestPeersShareTheWork()
    {
        var log = new ConcurrentQueue<string>();
        await using var one = new FakeMetadataPeer(Info, MetadataBehaviour.Honest);
        await using var two = new FakeMetadataPeer(Info, MetadataBehaviour.Honest);
        var fetched = await MetadataFetcher.FetchAsync(Offline(Magnet), Options(log, one, two), Deadline());
        Assert.That(fetched.Torrent.InfoBytes.ToArray(), Is.EqualTo(Info));
        Assert.That(Torrent.Parse(fetched.TorrentFile).InfoHash, Is.EqualTo(Magnet.InfoHash));
        Assert.That(one.Requests + two.Requests, Is.EqualTo(10));
    }

    [Test]
    public async Task OnlyLiarsFailWithTheReason()
    {
        var log = new ConcurrentQueue<string>();
        await using var liar = new FakeMetadataPeer(Info, MetadataBehaviour.WrongHash);
        await using var huge = new FakeMetadataPeer(Info, MetadataBehaviour.ClaimsHugeSize);
        var error = (await Assert.ThrowsAsync<MetadataException>(() => MetadataFetcher.FetchAsync(Offline(Magnet), Options(log, liar, huge), Deadline())))!;
        Assert.That(error.Message, Does.StartWith("no peer could send the metadata"));
        Assert.That(error.Message, Does.Contain("does not match the info hash"));
        Assert.That(error.Message, Does.Contain("larger than the 32 MiB"));
    }

    [Test]
    public async Task APeerThatAnswersForAnotherTorrentIsSkipped()
    {
        var log = new ConcurrentQueue<string>();
        await using var other = new FakeMetadataPeer(MakeInfo(10), MetadataBehaviour.Honest);
        var error = (await Assert.ThrowsAsync<MetadataException>(() => MetadataFetcher.FetchAsync(Offline(Magnet), Options(log, other), Deadline())))!;
        Assert.That(error.Message, Does.Contain(other.EndPoint.ToString()));
    }

    [Test]
    public void NoTrackerAndNoPeerIsAClearError() =>
        Assert.That(() => MetadataFetcher.FetchAsync(Offline(Magnet), new MetadataFetchOptions(), Deadline()),
            Throws.TypeOf<MetadataException>().With.Message.Contains("no tracker (tr) and no peer (x.pe)"));

    [Test]
    public async Task NobodyListeningIsAClearError()
    {
        var unused = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        unused.Start();
        var endpoint = (IPEndPoint)unused.LocalEndpoint;
        unused.Stop();
        var options = new MetadataFetchOptions { Peers = [endpoint], Timeout = TimeSpan.FromSeconds(20) };
        var error = (await Assert.ThrowsAsync<MetadataException>(() => MetadataFetcher.FetchAsync(Offline(Magnet), options, Deadline())))!;
        Assert.That(error.Message, Does.Contain(endpoint.ToString()));
    }
}
