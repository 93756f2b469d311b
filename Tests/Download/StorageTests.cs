using MeTorrent.Download.Demo;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>Pieces to files: spanning, padding, empty files, resume check.</summary>
[Stage(5)]
public class StorageTests
{
    private string _folder = "";
    private Torrent _torrent = null!;
    private byte[] _bytes = [];   // the torrent's whole byte space, padding as zeros

    // 47 bytes in pieces of 16: piece 0 = a[0..10) + b[0..6); piece 1 = b[6..22); piece 2 = b[22..25) + padding(5) + c(7)
    private static readonly PayloadFile[] Files =
    [
        new(["a.txt"], 10),
        new(["empty.txt"], 0),
        new(["dir", "sub", "b.bin"], 25),
        new([".pad", "5"], 5, IsPadding: true),
        new(["c.bin"], 7),
    ];

    [SetUp]
    public void MakeTorrent()
    {
        _folder = SwarmHelpers.TempFolder();
        string source = Path.Combine(_folder, "source");
        ulong seed = 1;
        foreach (var file in Files.Where(f => !f.IsPadding))
            SamplePayload.WriteFile(SafePath.Combine(source, file.Path), file.Length, seed++);
        _torrent = Torrent.Parse(TorrentMaker.Create(source, "t", Files, true, 16, []));
        _bytes = Files.SelectMany(f => f.IsPadding ? new byte[f.Length] : File.ReadAllBytes(SafePath.Combine(source, f.Path))).ToArray();
    }

    [TearDown]
    public void Clean() => SwarmHelpers.Delete(_folder);

    private byte[] Piece(int index) => _bytes.AsSpan(index * 16, _torrent.PieceSize(index)).ToArray();

    [Test]
    public void PiecesLandAtTheirFileOffsetsAcrossFiles()
    {
        string output = Path.Combine(_folder, "out");
        using (var storage = TorrentStorage.Open(_torrent, output))
        {
            Assert.That(File.Exists(Path.Combine(output, "empty.txt")), Is.True, "zero-length file created at open");
            for (int piece = _torrent.PieceCount - 1; piece >= 0; piece--)   // any order
                storage.WritePiece(piece, Piece(piece));
            var block = new byte[12];
            Assert.That(storage.TryRead(0, 4, block), Is.True);
            Assert.That(block, Is.EqualTo(_bytes.AsSpan(4, 12).ToArray()), "a read across a.txt and b.bin");
            var withPadding = new byte[15];
            Assert.That(storage.TryRead(2, 0, withPadding), Is.True);
            Assert.That(withPadding, Is.EqualTo(Piece(2)), "padding reads as zeros");
        }
        Assert.That(File.ReadAllBytes(Path.Combine(output, "a.txt")), Is.EqualTo(_bytes[..10]));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "dir", "sub", "b.bin")), Is.EqualTo(_bytes[10..35]));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "c.bin")), Is.EqualTo(_bytes[40..]));
        Assert.That(new FileInfo(Path.Combine(output, "empty.txt")).Length, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(output, ".pad")), Is.False, "padding is never written");
    }

    [Test]
    public void TheResumeCheckFindsExactlyTheCorrectPieces()
    {
        string output = Path.Combine(_folder, "out");
        using (var storage = TorrentStorage.Open(_torrent, output))
        {
            Assert.That(ExistingDataCheck.Run(storage, CancellationToken.None).SetCount, Is.Zero);
            storage.WritePiece(0, Piece(0));
            var wrong = Piece(1);
            wrong[3] ^= 1;
            storage.WritePiece(1, wrong);   // as if a crash tore the write
            var have = ExistingDataCheck.Run(storage, CancellationToken.None);
            Assert.That(new[] { have[0], have[1], have[2] }, Is.EqualTo(new[] { true, false, false }));
            storage.WritePiece(1, Piece(1));
            storage.WritePiece(2, Piece(2));
            Assert.That(ExistingDataCheck.Run(storage, CancellationToken.None).IsComplete, Is.True);
        }
        File.WriteAllBytes(Path.Combine(output, "c.bin"), _bytes[40..45]);   // c.bin truncated
        using (var storage = TorrentStorage.Open(_torrent, output))
        {
            var have = ExistingDataCheck.Run(storage, CancellationToken.None);
            Assert.That(new[] { have[0], have[1], have[2] }, Is.EqualTo(new[] { true, true, false }));
        }
    }

    [Test]
    public void ASingleFileTorrentIsWrittenToTheOutputPathItself()
    {
        string source = Path.Combine(_folder, "one.bin");
        SamplePayload.WriteFile(source, 40, 9);
        var single = Torrent.Parse(TorrentMaker.Create(source, "one.bin", [new(["one.bin"], 40)], false, 16, []));
        string output = Path.Combine(_folder, "elsewhere", "named-by-user.dat");
        using (var storage = TorrentStorage.Open(single, output))
        {
            Assert.That(storage.Layout.Paths, Is.EqualTo(new[] { Path.GetFullPath(output) }));
        }
        Assert.That(File.Exists(output), Is.True);
    }
}
