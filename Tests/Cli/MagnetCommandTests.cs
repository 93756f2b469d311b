using MeTorrent.Download;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Download.Metadata;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Cli;

/// <summary>The course's magnet commands, `info --magnet`, and `download` of a magnet link (with resume), in-process.</summary>
[Stage(5)]
public class MagnetCommandTests
{
    private const string CourseLink = "magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&dn=sample.torrent&tr=http%3A%2F%2Fbittorrent-test-tracker.codecrafters.io%2Fannounce";

    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    private static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var deadline = Deadline(60);
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = await Program.RunAsync(args, output, errors, deadline.Token);
        return (code, output.ToString(), errors.ToString());
    }

    [Test]
    public async Task MagnetParsePrintsTheCourseLines()
    {
        var (code, output, _) = await RunAsync("magnet_parse", CourseLink);
        Assert.That(code, Is.Zero);
        Assert.That(output, Is.EqualTo($"Tracker URL: http://bittorrent-test-tracker.codecrafters.io/announce{Environment.NewLine}Info Hash: d69f91e6b2ae4c542468d1073a71d4ea13879a7f{Environment.NewLine}"));
    }

    [TestCase("sample.torrent", "Not a magnet link")]
    [TestCase("magnet:?xt=urn:btmh:1220aaaa", "v2 torrents are not supported yet")]
    [TestCase("magnet:?xt=urn:btih:abc", "has 3 characters")]
    public async Task MagnetParseErrorsAreOneLine(string link, string expected)
    {
        var (code, output, errors) = await RunAsync("magnet_parse", link);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(errors, Does.Contain(expected));
        Assert.That(errors.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task InfoMagnetPrintsTheLink()
    {
        var (code, output, _) = await RunAsync("info", "--magnet", Fixtures.Fixture.SampleTorrentPath);
        Assert.That(code, Is.Zero);
        Assert.That(output.Trim(), Is.EqualTo("magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&dn=sample.txt&tr=http%3A%2F%2Fbittorrent-test-tracker.codecrafters.io%2Fannounce"));
        Assert.That(MagnetLink.Parse(output.Trim()).InfoHash.Hex, Is.EqualTo("d69f91e6b2ae4c542468d1073a71d4ea13879a7f"));
    }

    [Test]
    public async Task CreatePrintsTheMagnetLink()
    {
        string data = Path.Combine(_folder, "data.bin");
        File.WriteAllBytes(data, new byte[50_000]);
        string torrent = Path.Combine(_folder, "data.torrent");
        var (code, output, errors) = await RunAsync("create", "-o", torrent, data);
        Assert.That(code, Is.Zero, errors);
        Assert.That(output, Does.Contain($"Magnet: magnet:?xt=urn:btih:{Torrent.Load(torrent).InfoHash.Hex}&dn=data.bin"));
    }

    [Test]
    public async Task MagnetHandshakePrintsThePeersMetadataId()
    {
        byte[] info = Torrent.Parse(Fixtures.Fixture.SampleTorrent()).InfoBytes.ToArray();
        await using var peer = new FakeMetadataPeer(info, MetadataBehaviour.Honest);
        var (code, output, errors) = await RunAsync("magnet_handshake", $"magnet:?xt=urn:btih:{InfoHash.Compute(info).Hex}", "--peer", peer.EndPoint.ToString());
        Assert.That(code, Is.Zero, errors);
        var lines = output.Trim().Split(Environment.NewLine);
        Assert.That(lines[0], Does.Match("^Peer ID: [0-9a-f]{40}$"));
        Assert.That(lines[1], Is.EqualTo("Peer Metadata Extension ID: 3"));
    }

    [Test]
    public async Task MagnetInfoPrintsWhatInfoPrints()
    {
        var torrent = Torrent.Parse(Fixtures.Fixture.SampleTorrent());
        await using var peer = new FakeMetadataPeer(torrent.InfoBytes.ToArray(), MetadataBehaviour.Honest);
        string saved = Path.Combine(_folder, "saved.torrent");
        var (code, output, errors) = await RunAsync("magnet_info", CourseLink, "--peer", peer.EndPoint.ToString(), "--save-torrent", saved);
        Assert.That(code, Is.Zero, errors);
        var (_, info, _) = await RunAsync("info", Fixtures.Fixture.SampleTorrentPath);
        Assert.That(output, Is.EqualTo(info));
        Assert.That(Torrent.Load(saved).InfoHash, Is.EqualTo(torrent.InfoHash));
    }

    [Test]
    public async Task DownloadOfAMagnetLinkKeepsTheMetadataAndResumesWithoutPeersForIt()
    {
        using var deadline = Deadline();
        await using var swarm = await SwarmAsync(1 << 20, multiFile: false, 32 * 1024, seeders: 1, deadline.Token);
        // The demo's seeders do not serve metadata yet: a fake peer does, the seeder serves the data.
        await using var metadataPeer = new FakeMetadataPeer(swarm.Torrent.InfoBytes.ToArray(), MetadataBehaviour.Honest);
        string link = $"magnet:?xt=urn:btih:{swarm.Torrent.InfoHash.Hex}&x.pe={metadataPeer.EndPoint}";
        string seeder = swarm.Seeders[0].ListenEndPoint!.ToString();
        string output = Path.Combine(_folder, "copy.bin");

        var (code, stdout, stderr) = await RunAsync("download", "-o", output, link, "--peer", seeder, "--quiet");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo($"Downloaded {swarm.Torrent.Name} to {output}.{Environment.NewLine}"));
        Assert.That(swarm.Verify(output), Is.True);
        Assert.That(Torrent.Load(output + ".torrent").InfoHash, Is.EqualTo(swarm.Torrent.InfoHash), "the metadata is kept beside the output");

        // Again, with the metadata peer gone: the kept metadata is used (nobody could send it), the data is checked and kept.
        await metadataPeer.DisposeAsync();
        string copy = Path.Combine(_folder, "copy-of.torrent");
        (code, stdout, stderr) = await RunAsync("magnet_download", "-o", output, link, "--peer", seeder, "--save-torrent", copy, "--quiet");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(swarm.Verify(output), Is.True);
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(output + ".torrent")));
    }

    [Test]
    public async Task MagnetDownloadWantsAMagnetLink()
    {
        var (code, _, errors) = await RunAsync("magnet_download", "-o", Path.Combine(_folder, "x"), Fixtures.Fixture.SampleTorrentPath);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("takes a magnet link"));
    }

    [Test]
    public async Task AMagnetWithoutPeersOrTrackersIsAClearError()
    {
        var (code, _, errors) = await RunAsync("magnet_info", "magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("no tracker (tr) and no peer (x.pe)"));
    }
}
