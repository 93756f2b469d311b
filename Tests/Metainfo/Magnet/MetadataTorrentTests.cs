using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo.Magnet;

[Stage(2)]
public class MetadataTorrentTests
{
    [Test]
    public void FetchedInfoBecomesTheSameTorrentWithTheLinksTrackers()
    {
        var original = Torrent.Parse(Fixtures.Fixture.SampleTorrent());
        var magnet = new MagnetLink(original.InfoHash, null, ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"], []);
        var (torrent, file) = MetadataTorrent.Build(original.InfoBytes.Span, magnet);
        Assert.That(torrent.InfoHash, Is.EqualTo(original.InfoHash));
        Assert.That(torrent.PieceHashes.ToArray(), Is.EqualTo(original.PieceHashes.ToArray()));
        Assert.That(torrent.Announce, Is.EqualTo("http://127.0.0.1:6969/announce"));
        Assert.That(torrent.TrackerTiers, Has.Count.EqualTo(2));
        Assert.That(Torrent.Parse(file).InfoHash, Is.EqualTo(original.InfoHash), "the saved file reads back");
    }

    [Test]
    public void WithoutTrackersTheFileHoldsOnlyTheInfo()
    {
        var original = Torrent.Parse(Fixtures.Fixture.SampleTorrent());
        var (torrent, _) = MetadataTorrent.Build(original.InfoBytes.Span, new MagnetLink(original.InfoHash, null, [], []));
        Assert.That(torrent.TrackerTiers, Is.Empty);
    }

    [Test]
    public void InfoOfAnotherTorrentIsRefused()
    {
        var original = Torrent.Parse(Fixtures.Fixture.SampleTorrent());
        var magnet = new MagnetLink(InfoHash.FromHex(new string('0', 40)), null, [], []);
        Assert.That(() => MetadataTorrent.Build(original.InfoBytes.Span, magnet),
            Throws.TypeOf<MetainfoException>().With.Message.Contains("does not match the magnet link"));
    }
}
