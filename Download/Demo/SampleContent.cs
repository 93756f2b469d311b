namespace MeTorrent.Download.Demo;

/// <summary>
/// A ready-made torrent over deterministic sample files: the payload of the demo and of the swarm tests.
/// The multi-file shape has what trips up a client: nested folders, a zero-length file, a BEP 47
/// padding file in the piece space, files that straddle pieces, and a short last piece.
/// </summary>
public sealed record SampleContent(string Root, string Name, IReadOnlyList<PayloadFile> Files, bool MultiFile, int PieceLength, byte[] TorrentBytes)
{
    public long TotalLength => Files.Sum(f => f.Length);

    /// <summary>Writes the sample files under <paramref name="folder"/> and makes their torrent.</summary>
    /// <param name="size">about how many bytes of payload (the multi-file shape adds a little)</param>
    public static SampleContent Create(string folder, long size, bool multiFile, int pieceLength, IReadOnlyList<string> trackers, string name = "sample")
    {
        if (!multiFile)
        {
            string path = Path.Combine(folder, name + ".bin");
            long length = size - size % pieceLength + pieceLength / 3 + 1; // an odd, short last piece
            SamplePayload.WriteFile(path, length, seed: 1);
            PayloadFile[] single = [new([name + ".bin"], length)];
            return new(path, name + ".bin", single, false, pieceLength, TorrentMaker.Create(path, name + ".bin", single, false, pieceLength, trackers));
        }

        string root = Path.Combine(folder, name);
        var files = new List<PayloadFile>();
        long readme = 1234;
        files.Add(new(["README.txt"], readme));
        files.Add(new(["empty.txt"], 0));
        files.Add(new([".pad", (pieceLength - readme % pieceLength).ToString()], pieceLength - readme % pieceLength, IsPadding: true));
        long rest = Math.Max(size - pieceLength, 3 * 40_000);
        files.Add(new(["media", "videos", "clip-1.bin"], rest / 2 + 7));
        files.Add(new(["media", "videos", "clip-2.bin"], rest / 3 + 11));
        files.Add(new(["docs", "notes", "deep", "data.bin"], rest - rest / 2 - rest / 3 - 5));
        files.Add(new(["media", "empty-folder-file"], 0));
        ulong seed = 1;
        foreach (var file in files.Where(f => !f.IsPadding))
            SamplePayload.WriteFile(Metainfo.SafePath.Combine(root, file.Path), file.Length, seed++);
        return new(root, name, files, true, pieceLength, TorrentMaker.Create(root, name, files, true, pieceLength, trackers));
    }

    /// <summary>The paths of the real (non-padding) files under <paramref name="root"/>.</summary>
    public IEnumerable<(PayloadFile File, string Path)> RealFiles(string root) =>
        Files.Where(f => !f.IsPadding).Select(f => (f, MultiFile ? Metainfo.SafePath.Combine(root, f.Path) : root));
}
