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

    // 46 bytes in pieces of 16, files of 20 bytes or more aligned (BEP 47):
    // piece 0 = a[0..10) + padding(6); piece 1 = b[0..16); piece 2 = b[16..25) + e[0..5) (short)
    private static readonly (string[] Path, long Length)[] Files =
    [
        (["a.txt"], 10),
        (["b-empty.txt"], 0),
        (["dir", "sub", "b.bin"], 25),
        (["e.bin"], 5),
    ];

    [SetUp]
    public void MakeTorrent()
    {
        _folder = SwarmHelpers.TempFolder();
        string source = Path.Combine(_folder, "source");
        ulong seed = 1;
        foreach (var (path, length) in Files)
            SamplePayload.WriteFile(SafePath.Combine(source, path), length, seed++);
        _torrent = Torrent.Parse(SwarmHelpers.TorrentFor(source, 16, alignFilesOfAtLeast: 20));
        Assert.That(_torrent.Files.Select(f => f.IsPadding), Is.EqualTo(new[] { false, false, true, false, false }), "a padding file before b.bin");
        _bytes = _torrent.Files.SelectMany(f => f.IsPadding ? new byte[f.Length] : File.ReadAllBytes(SafePath.Combine(source, f.Path))).ToArray();
    }

    [TearDown]
    public void Clean() => SwarmHelpers.Delete(_folder);

    private byte[] Piece(int index) => _bytes.AsSpan(index * 16, _torrent.PieceSize(index)).ToArray();

    [Test]
    public void APieceGivenAsBlocksLandsByteExactAcrossFilesAndPadding()
    {
        // Each piece as one-byte blocks, as the engine hands pieces over (blocks, not one buffer): every byte
        // must land in its file at its offset, the padding must be skipped, the order kept.
        string output = Path.Combine(_folder, "out");
        using (var storage = TorrentStorage.Open(_torrent, output))
        {
            for (int piece = 0; piece < _torrent.PieceCount; piece++)
                storage.WritePiece(piece, Piece(piece).Select(b => (ReadOnlyMemory<byte>)new[] { b }).ToArray());
        }
        foreach (var file in _torrent.Files.Where(f => !f.IsPadding))
            Assert.That(File.ReadAllBytes(SafePath.Combine(output, file.Path)),
                Is.EqualTo(_bytes.AsSpan((int)file.Offset, (int)file.Length).ToArray()), file.DisplayPath);
    }

    [Test]
    public void AFreshDownloadHasNoFileAndNothingToCheck()
    {
        string output = Path.Combine(_folder, "out");
        using var storage = TorrentStorage.Open(_torrent, output);
        Assert.That(storage.AnyFileExists(), Is.False);
        Assert.That(ExistingDataCheck.Run(storage, CancellationToken.None).SetCount, Is.Zero);
        storage.WritePiece(1, Piece(1));   // b.bin only
        Assert.That(storage.AnyFileExists(), Is.True, "one file is enough");
        Assert.That(ExistingDataCheck.Run(storage, CancellationToken.None).SetCount, Is.EqualTo(1), "and its piece is found");
    }

    [Test]
    public void PiecesLandAtTheirFileOffsetsAcrossFiles()
    {
        string output = Path.Combine(_folder, "out");
        using (var storage = TorrentStorage.Open(_torrent, output))
        {
            Assert.That(File.Exists(Path.Combine(output, "b-empty.txt")), Is.False, "nothing is created before data lands");
            for (int piece = _torrent.PieceCount - 1; piece >= 0; piece--)   // any order
                storage.WritePiece(piece, Piece(piece));
            var block = new byte[8];
            Assert.That(storage.TryRead(2, 4, block), Is.True);
            Assert.That(block, Is.EqualTo(_bytes.AsSpan(36, 8).ToArray()), "a read across b.bin and e.bin");
            var withPadding = new byte[16];
            Assert.That(storage.TryRead(0, 0, withPadding), Is.True);
            Assert.That(withPadding, Is.EqualTo(Piece(0)), "padding reads as zeros");
        }
        Assert.That(File.ReadAllBytes(Path.Combine(output, "a.txt")), Is.EqualTo(_bytes[..10]));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "dir", "sub", "b.bin")), Is.EqualTo(_bytes[16..41]));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "e.bin")), Is.EqualTo(_bytes[41..]));
        Assert.That(new FileInfo(Path.Combine(output, "b-empty.txt")).Length, Is.Zero);
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
        File.WriteAllBytes(Path.Combine(output, "e.bin"), _bytes[41..44]);   // e.bin cut short
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
        var single = Torrent.Parse(SwarmHelpers.TorrentFor(source, 16));
        string output = Path.Combine(_folder, "elsewhere", "named-by-user.dat");
        using (var storage = TorrentStorage.Open(single, output))
        {
            Assert.That(storage.Layout.Paths, Is.EqualTo(new[] { Path.GetFullPath(output) }));
            Assert.That(File.Exists(output), Is.False, "created when the first piece lands");
            storage.WritePiece(1, File.ReadAllBytes(source).AsSpan(16, 16));
        }
        Assert.That(File.ReadAllBytes(output)[16..], Is.EqualTo(File.ReadAllBytes(source)[16..32]));
    }

    [Test]
    public void ManyFilesNeedOnlyABoundedNumberOfOpenFilesAndEmptyFilesComeWithTheirPiece()
    {
        // 3,000 files of 1 byte and 1,000 empty ones, in pieces of 64 bytes: 16 open files at most (and up
        // to one batch of evicted files waiting for their flush).
        string source = Path.Combine(_folder, "many");
        for (int i = 0; i < 3000; i++)
        {
            SamplePayload.WriteFile(Path.Combine(source, $"d{i % 7}", $"f{i}"), 1, (ulong)i + 1);
            if (i % 3 == 0)
                File.WriteAllBytes(Path.Combine(source, $"d{i % 7}", $"empty{i}"), []);
        }
        var many = Torrent.Parse(SwarmHelpers.TorrentFor(source, 64));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bytes = many.Files.SelectMany(f => File.ReadAllBytes(SafePath.Combine(source, f.Path))).ToArray();
        string output = Path.Combine(_folder, "many-out");
        using (var storage = TorrentStorage.Open(many, output, new StorageOptions { MaxOpenFiles = 16 }))
        {
            for (int piece = many.PieceCount - 1; piece >= 0; piece--)
            {
                storage.WritePiece(piece, bytes.AsSpan(piece * 64, many.PieceSize(piece)));
                Assert.That(storage.OpenFileCount, Is.LessThanOrEqualTo(16 + OpenFiles.FlushBatch));
            }
            Assert.That(ExistingDataCheck.Run(storage, CancellationToken.None).IsComplete, Is.True);
            Assert.That(storage.OpenFileCount, Is.LessThanOrEqualTo(16 + OpenFiles.FlushBatch + Environment.ProcessorCount));
            storage.Flush();
            Assert.That(storage.OpenFileCount, Is.LessThanOrEqualTo(16));
        }
        TestContext.Out.WriteLine($"{many.Files.Count} files written, checked and flushed in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var file in many.Files)
            Assert.That(File.ReadAllBytes(SafePath.Combine(output, file.Path)), Is.EqualTo(File.ReadAllBytes(SafePath.Combine(source, file.Path))), file.DisplayPath);
    }
}
