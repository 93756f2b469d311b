using System.Collections;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Storage;

/// <summary>
/// Where each file of a torrent goes. A single-file torrent is written to exactly the output path
/// (the course's <c>download -o out.bin</c>); the files of a multi-file torrent go under the output
/// folder at their torrent paths (the torrent's own name is not added). Every path is checked to stay
/// inside the output folder before anything is created. Nothing is stored per file (a torrent may have a
/// million): a path is worked out again when it is needed.
/// </summary>
public sealed class StorageLayout
{
    private readonly Torrent _torrent;

    private StorageLayout(Torrent torrent, string root)
    {
        _torrent = torrent;
        Root = root;
        Paths = new PathList(this);
    }

    /// <summary>The output file (single-file torrent) or folder (multi-file torrent), as a full path.</summary>
    public string Root { get; }

    /// <summary>The full path of each file, in torrent order (padding files too, though they are never written).</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The full path of file <paramref name="index"/>.</summary>
    public string PathOf(int index) => _torrent.IsMultiFile ? _torrent.Files[index].ResolveUnder(Root) : Root;

    /// <summary>The file's index in the torrent: a binary search by offset (files lie end to end in torrent order).</summary>
    public int IndexOf(TorrentFile file)
    {
        var files = _torrent.Files;
        int low = 0, high = files.Count - 1, first = files.Count;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            if (files[mid].Offset >= file.Offset) { first = mid; high = mid - 1; }
            else low = mid + 1;
        }
        for (int i = first; i < files.Count && files[i].Offset == file.Offset; i++)
            if (ReferenceEquals(files[i], file))
                return i;
        throw new ArgumentException("The file is not part of this torrent.", nameof(file));
    }

    /// <exception cref="MetainfoException">A file path would leave the output folder.</exception>
    public static StorageLayout Resolve(Torrent torrent, string outputPath)
    {
        string root = Path.GetFullPath(outputPath);
        if (!torrent.IsMultiFile)
        {
            if (Directory.Exists(root))
                throw new IOException($"{root} is a folder; give the name of the file to write");
            return new StorageLayout(torrent, root);
        }
        if (File.Exists(root))
            throw new IOException($"{root} is a file; a multi-file torrent needs a folder");
        foreach (var file in torrent.Files)
            file.ResolveUnder(root);   // throws for a path that would leave the folder
        return new StorageLayout(torrent, root);
    }

    private sealed class PathList(StorageLayout layout) : IReadOnlyList<string>
    {
        public string this[int index] => layout.PathOf(index);
        public int Count => layout._torrent.Files.Count;
        public IEnumerator<string> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
                yield return this[i];
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
