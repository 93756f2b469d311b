using MeTorrent.Bencode;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

/// <summary>Torrent.MapToFiles: which bytes of which files a piece, or a block inside it, covers.</summary>
[Stage(2)]
public class MapToFilesTests
{
    private static Torrent Multi(int pieceLength, params long[] lengths) =>
        TorrentParser.Parse(TestTorrents.Wrap(TestTorrents.MultiFileInfo(pieceLength, lengths)));

    private static string Describe(IEnumerable<FileSegment> segments) =>
        string.Join(" ", segments.Select(s => $"{s.File.DisplayPath}@{s.FileOffset}+{s.Length}>{s.BufferOffset}"));

    [Test]
    public void ASingleFileTorrentMapsEveryPieceToItsOwnRange()
    {
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(TestTorrents.SingleFileInfo(40, 16)));
        Assert.That(Describe(torrent.MapToFiles(0, 0, 16)), Is.EqualTo("file.bin@0+16>0"));
        Assert.That(Describe(torrent.MapToFiles(1, 4, 8)), Is.EqualTo("file.bin@20+8>0"));
        Assert.That(Describe(torrent.MapToFiles(2, 0, 8)), Is.EqualTo("file.bin@32+8>0"), "the last piece is 8 bytes");
    }

    [Test]
    public void APieceThatSpansManyFilesIsSplitInOrder()
    {
        // Files: f0 [0,5) f1 [5,8) f2 [8,9) f3 [9,30) ; pieces of 10 bytes.
        var torrent = Multi(10, 5, 3, 1, 21);
        Assert.That(Describe(torrent.MapToFiles(0, 0, 10)), Is.EqualTo("f0@0+5>0 f1@0+3>5 f2@0+1>8 f3@0+1>9"));
        Assert.That(Describe(torrent.MapToFiles(0, 4, 5)), Is.EqualTo("f0@4+1>0 f1@0+3>1 f2@0+1>4"));
        Assert.That(Describe(torrent.MapToFiles(1, 0, 10)), Is.EqualTo("f3@1+10>0"));
    }

    [Test]
    public void ZeroLengthFilesNeverAppear()
    {
        // f0 empty at 0, f1 [0,6), f2 and f3 empty at 6, f4 [6,16), f5 empty at the very end.
        var torrent = Multi(8, 0, 6, 0, 0, 10, 0);
        Assert.That(Describe(torrent.MapToFiles(0, 0, 8)), Is.EqualTo("f1@0+6>0 f4@0+2>6"));
        Assert.That(Describe(torrent.MapToFiles(1, 0, 8)), Is.EqualTo("f4@2+8>0"));
        Assert.That(Describe(torrent.MapToFiles(0, 6, 2)), Is.EqualTo("f4@0+2>0"), "a block starting exactly at empty files");
    }

    [Test]
    public void TheLastPieceIsShortAndMapsOnlyWhatExists()
    {
        var torrent = Multi(16, 10, 10, 5); // 25 bytes: pieces 16 + 9
        Assert.That(torrent.PieceCount, Is.EqualTo(2));
        Assert.That(torrent.LastPieceLength, Is.EqualTo(9));
        Assert.That(Describe(torrent.MapToFiles(1, 0, 9)), Is.EqualTo("f1@6+4>0 f2@0+5>4"));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(1, 0, 10), "past the end of the last piece");
    }

    [Test]
    public void PieceLengthAMultipleOfTheTotalHasAFullLastPiece()
    {
        var torrent = Multi(16, 16, 16);
        Assert.That(torrent.LastPieceLength, Is.EqualTo(16));
        Assert.That(Describe(torrent.MapToFiles(1, 0, 16)), Is.EqualTo("f1@0+16>0"));
    }

    [Test]
    public void PaddingFilesAreMappedAndMarked()
    {
        var info = TestTorrents.MultiFileInfo(8, 5, 3, 8);
        var pad = (BDictionary)((BList)info["files"]!)[1];
        pad["attr"] = new BString("p");
        var torrent = TorrentParser.Parse(TestTorrents.Wrap(info));
        var segments = torrent.MapToFiles(0, 0, 8);
        Assert.That(Describe(segments), Is.EqualTo("f0@0+5>0 f1@0+3>5"));
        Assert.That(segments.Select(s => s.File.IsPadding), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public void OutOfRangeRequestsAreRefused()
    {
        var torrent = Multi(10, 5, 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(2, 0, 1), "no piece 2");
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(-1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(0, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(0, 5, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(-1L, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.MapToFiles(19L, 2));
        Assert.That(torrent.MapToFiles(20L, 0), Is.Empty, "an empty range at the very end is fine");
    }

    [Test]
    public void EveryByteOfARandomLayoutMapsExactlyOnce()
    {
        // Property check over many layouts: segments are contiguous, in order, inside their files,
        // and cover each requested range exactly, whatever the block boundaries.
        var random = new Random(2);
        for (int round = 0; round < 200; round++)
        {
            long[] lengths = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (long)random.Next(0, 40)).ToArray();
            if (lengths.Sum() == 0)
                lengths[0] = 1;
            int pieceLength = random.Next(1, 33);
            var torrent = Multi(pieceLength, lengths);
            for (int piece = 0; piece < torrent.PieceCount; piece++)
            {
                int size = torrent.PieceSize(piece);
                int offset = random.Next(size);
                int length = random.Next(size - offset + 1);
                var segments = torrent.MapToFiles(piece, offset, length);
                long expected = torrent.PieceOffset(piece) + offset;
                int buffer = 0;
                foreach (var segment in segments)
                {
                    Assert.That(segment.Length, Is.GreaterThan(0));
                    Assert.That(segment.BufferOffset, Is.EqualTo(buffer));
                    Assert.That(segment.File.Offset + segment.FileOffset, Is.EqualTo(expected));
                    Assert.That(segment.FileOffset + segment.Length, Is.LessThanOrEqualTo(segment.File.Length));
                    expected += segment.Length;
                    buffer += segment.Length;
                }
                Assert.That(buffer, Is.EqualTo(length), $"round {round}, piece {piece}");
            }
        }
    }
}
