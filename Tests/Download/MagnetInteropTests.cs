using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// `metorrent download` given only a magnet link: the metadata (BEP 9) and then the data come from a real
/// libtorrent or qBittorrent seeder, inside a private network namespace. Either the link's tr names a local
/// opentracker that knows the seeder, or its x.pe names the seeder and there is no tracker at all.
/// </summary>
[TestFixture, Stage(5), Interop]
[NonParallelizable] // each test starts two or three programs; the machine has few cores
public sealed class MagnetInteropTests : WorkFolderTest
{
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(120);

    [Test]
    public void FromLibtorrentThroughATracker() =>
        Download((ns, payload) => LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, check: true), throughTracker: true);

    [Test]
    public void FromLibtorrentWithXpeAndNoTracker() =>
        Download((ns, payload) => LibtorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory, check: true), throughTracker: false);

    [Test]
    public void FromQbittorrentThroughATracker() =>
        Download((ns, payload) => QbittorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory), throughTracker: true);

    [Test]
    public void FromQbittorrentWithXpeAndNoTracker() =>
        Download((ns, payload) => QbittorrentSeeder.Start(ns, payload.TorrentPath, payload.DataDirectory), throughTracker: false);

    private void Download(Func<NetworkNamespace, RealClientPayload, Seeder> startSeeder, bool throughTracker)
    {
        var payload = RealClientPayload.Create(Work);
        var torrent = Torrent.Load(payload.TorrentPath);
        string outDirectory = Path.Combine(Work, "out");
        using var ns = NetworkNamespace.Create();
        using var tracker = throughTracker ? OpenTracker.Start(ns, [torrent.InfoHash]) : null;
        using var seeder = startSeeder(ns, payload);

        // The link names neither the files nor the pieces: only the info hash, and where to find peers.
        string link = $"magnet:?xt=urn:btih:{torrent.InfoHash.Hex}&dn={payload.Name}";
        if (tracker is not null)
        {
            // The test seeders do not announce; tell the tracker about this one, as its own announce would.
            AnnounceOnBehalfOf(ns, tracker, torrent.InfoHash, seeder.Port);
            link += "&tr=" + Uri.EscapeDataString(tracker.HttpAnnounceUrl);
        }
        else
            link += "&x.pe=" + seeder.Address;

        var result = MeTorrentCli.RunIn(ns, ["download", "-o", outDirectory, link, "--verbose"], DownloadTimeout);

        Assert.That(result.ExitCode, Is.Zero, $"metorrent download failed:\n{result}\nseeder log:\n{seeder.LogTail()}");
        Assert.That(result.Errors, Does.Contain("Metadata received: nested-payload"));
        foreach (var (path, _) in RealClientPayload.Files)
            Assert.That(File.ReadAllBytes(Path.Combine(outDirectory, path)), Is.EqualTo(File.ReadAllBytes(payload.SourceFile(path))), path);
        Assert.That(Torrent.Load(outDirectory + ".torrent").InfoHash, Is.EqualTo(torrent.InfoHash), "the fetched metadata is kept");
    }

    /// <summary>An HTTP announce from inside the namespace with the seeder's port and nothing left to download.</summary>
    private static void AnnounceOnBehalfOf(NetworkNamespace ns, OpenTracker tracker, InfoHash infoHash, int port)
    {
        string hash = string.Concat(infoHash.Bytes.ToArray().Select(b => $"%{b:X2}"));
        string url = $"{tracker.HttpAnnounceUrl}?info_hash={hash}&peer_id=-XX0001-seederseeder&port={port}&uploaded=0&downloaded=0&left=0&event=started&compact=1";
        var result = ns.Run(Tools.SystemPython, ["-c", $"import urllib.request; print(urllib.request.urlopen('{url}').read())"], TimeSpan.FromSeconds(20));
        Assert.That(result.ExitCode, Is.Zero, $"announcing the seeder failed:\n{result}");
    }
}
