using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Metadata.Lesson.MetadataSample;

namespace MeTorrent.Tests.Metadata.Lesson;

/// <summary>Lesson 09, step 1 (09-metadata.pieces): how big the metadata may be, how many 16 KiB pieces it makes, how long each is.</summary>
[Stage(9)]
public class Step1PiecesTests
{
    private static MetadataAssembly Sized(int size) =>
        LessonAssert.Valid(() => new MetadataAssembly(InfoHash.Compute(Bytes(size)), size, RequestTimeout), $"Step 1 (pieces): {size} bytes is a size we accept");

    [TestCase(1, 1)]
    [TestCase(16_383, 1)]
    [TestCase(16_384, 1)]
    [TestCase(16_385, 2)]
    [TestCase(40_000, 3)]
    [TestCase(32 * 1024 * 1024, 2048)]
    public void CountsSixteenKibPieces(int size, int pieces)
    {
        Assert.That(Sized(size).PieceCount, Is.EqualTo(pieces),
            $"Step 1 (pieces): BEP 9: the metadata goes in blocks of 16 KiB (16,384 bytes): {size} bytes make {pieces} (round up: a last, shorter piece counts; an exact multiple adds none)");
    }

    [Test]
    public void EveryPieceButTheLastIsSixteenKib()
    {
        var assembly = Sized(40_000);
        Assert.That(new[] { assembly.PieceSize(0), assembly.PieceSize(1) }, Is.EqualTo(new[] { 16_384, 16_384 }),
            "Step 1 (pieces): every piece but the last is 16 KiB (MetadataMessage.PieceLength)");
        Assert.That(assembly.PieceSize(2), Is.EqualTo(40_000 - 2 * 16_384),
            "Step 1 (pieces): the last piece is what is left (7,232 of 40,000 bytes), not a full 16 KiB: a peer sends exactly that many bytes");
    }

    [Test]
    public void ALastPieceThatFitsExactlyIsFull()
    {
        var assembly = Sized(2 * 16_384);
        Assert.That(assembly.PieceSize(1), Is.EqualTo(16_384),
            "Step 1 (pieces): 32,768 bytes are two full pieces: the last is 16 KiB, not 0 (size % 16384 is 0 here)");
        Assert.That(Sized(100).PieceSize(0), Is.EqualTo(100), "Step 1 (pieces): a single piece is the whole size, however small");
    }

    [Test]
    public void RefusesASizeAboveTheLimit()
    {
        Assert.That(MetadataLimits.SizeProblem(100 * 1024 * 1024), Is.Not.Null,
            $"Step 1 (pieces): a peer that claims 100 MiB of metadata is refused before anything is allocated (the limit is MetadataLimits.MaxSize, {MetadataLimits.MaxSize} bytes)");
        Assert.That(MetadataLimits.SizeProblem(MetadataLimits.MaxSize + 1L), Is.Not.Null, "Step 1 (pieces): one byte above MaxSize is above the limit");
        Assert.That(() => new MetadataAssembly(InfoHash.Compute(Info), 100 * 1024 * 1024, RequestTimeout), Throws.TypeOf<ArgumentOutOfRangeException>(),
            "Step 1 (pieces): the assembly itself refuses a size SizeProblem finds a problem with (ArgumentOutOfRangeException), so no caller can forget");
    }

    [Test]
    public void AcceptsEverySizeUpToTheLimit()
    {
        Assert.That(new long[] { 1, 40_000, MetadataLimits.MaxSize }.Select(MetadataLimits.SizeProblem), Has.All.Null,
            "Step 1 (pieces): 1 byte to MaxSize (32 MiB, included) is a size we can fetch: SizeProblem says null");
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(long.MinValue)]
    public void RefusesASizeThatIsNotPositive(long size)
    {
        Assert.That(MetadataLimits.SizeProblem(size), Is.Not.Null, $"Step 1 (pieces): a metadata_size of {size} is no size: say so (an empty dictionary is not a torrent)");
    }

    [Test]
    public void ReadsTheClaimedSizeAsALong()
    {
        long claimed = 4L * 1024 * 1024 * 1024 + 100;
        Assert.That(MetadataLimits.SizeProblem(claimed), Is.Not.Null,
            "Step 1 (pieces): metadata_size is a long: 4 GiB + 100 bytes is far above the limit, though cast to an int it would read as 100");
    }

    [Test]
    public void TheRequestsCoverEveryPieceOnce()
    {
        var assembly = Assembly(null, Honest);
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }),
            "Step 1 (pieces): 40,000 bytes are pieces 0, 1 and 2, and the assembly asks a peer for each (PieceCount decides how many there are)");
    }
}
