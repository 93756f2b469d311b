// Lesson 05-Download: copied from Download/Demo/SampleContent.cs by Lessons/tools. Provided complete; nothing to do here.
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Demo;

/// <summary>
/// A ready-made torrent over deterministic sample files: the payload of the demo and of the swarm tests.
/// The multi-file shape has what trips up a client: nested folders, zero-length files, a BEP 47
/// padding file in the piece space, pieces that span two files, and a short last piece.
/// </summary>
public sealed record SampleContent(string Root, string Name, IReadOnlyList<TorrentFile> Files, bool MultiFile, int PieceLength, byte[] TorrentBytes)
{
    public long TotalLength => Files.Sum(f => f.Length);

    /// <summary>Writes the sample files under <paramref name="folder"/> and makes their torrent (<see cref="TorrentBuilder"/>).</summary>
    /// <param name="size">about how many bytes of payload (the multi-file shape adds a little)</param>
    /// <param name="pieceLength">a power of two, 16 KiB or more</param>
    public static SampleContent Create(string folder, long size, bool multiFile, int pieceLength, IReadOnlyList<string> trackers, string name = "sample")
    {
        if (!multiFile)
        {
            string path = Path.Combine(folder, name + ".bin");
            SamplePayload.WriteFile(path, size - size % pieceLength + pieceLength / 3 + 1, seed: 1);   // an odd, short last piece
            return Make(path, multiFile, pieceLength, trackers, alignFrom: null);
        }

        string root = Path.Combine(folder, name);
        long rest = Math.Max(size - pieceLength, 3 * 40_000);
        long largest = rest / 2 + 7;
        (string[] Path, long Length)[] files =
        [
            (["README.txt"], 1234),
            (["empty.txt"], 0),
            (["media", "videos", "clip-1.bin"], largest),
            (["media", "videos", "clip-2.bin"], rest / 3 + 11),
            (["docs", "notes", "deep", "data.bin"], rest - rest / 2 - rest / 3 - 5),
            (["media", "empty-folder-file"], 0),
        ];
        ulong seed = 1;
        foreach (var (file, length) in files)
            SamplePayload.WriteFile(SafePath.Combine(root, file), length, seed++);
        // In torrent order (sorted): README.txt and data.bin share a piece, then padding aligns clip-1.bin
        // (the largest file), which shares its last piece with clip-2.bin.
        return Make(root, multiFile, pieceLength, trackers, alignFrom: largest);
    }

    private static SampleContent Make(string source, bool multiFile, int pieceLength, IReadOnlyList<string> trackers, long? alignFrom)
    {
        var builder = new TorrentBuilder(source)
        {
            PieceLength = pieceLength,
            AlignFilesOfAtLeast = alignFrom,
            CreatedBy = "metorrent demo",
            CreationDate = null,
        };
        foreach (string tracker in trackers)
            builder.Trackers.Add(tracker);
        byte[] bytes = builder.Build();
        var torrent = Torrent.Parse(bytes);
        return new(source, torrent.Name, torrent.Files, multiFile, pieceLength, bytes);
    }

    /// <summary>The paths of the real (non-padding) files under <paramref name="root"/>.</summary>
    public IEnumerable<(TorrentFile File, string Path)> RealFiles(string root) =>
        Files.Where(f => !f.IsPadding).Select(f => (f, MultiFile ? SafePath.Combine(root, f.Path) : root));
}
