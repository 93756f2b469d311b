// Lesson 05-Download: copied from Download/Storage/StorageLayout.cs by Lessons/tools. Provided complete; nothing to do here.
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Storage;

/// <summary>
/// Where each file of a torrent goes. A single-file torrent is written to exactly the output path
/// (the course's <c>download -o out.bin</c>); the files of a multi-file torrent go under the output
/// folder at their torrent paths (the torrent's own name is not added). Every path is checked to stay
/// inside the output folder before anything is created.
/// </summary>
public sealed class StorageLayout
{
    private readonly Dictionary<TorrentFile, int> _indexes = new(ReferenceEqualityComparer.Instance);

    private StorageLayout(string root, IReadOnlyList<string> paths, IReadOnlyList<TorrentFile> files)
    {
        Root = root;
        Paths = paths;
        for (int i = 0; i < files.Count; i++)
            _indexes[files[i]] = i;
    }

    /// <summary>The output file (single-file torrent) or folder (multi-file torrent), as a full path.</summary>
    public string Root { get; }

    /// <summary>The full path of each file, in torrent order (padding files too, though they are never written).</summary>
    public IReadOnlyList<string> Paths { get; }

    public int IndexOf(TorrentFile file) =>
        _indexes.TryGetValue(file, out int index) ? index : throw new ArgumentException("The file is not part of this torrent.", nameof(file));

    /// <exception cref="MetainfoException">A file path would leave the output folder.</exception>
    public static StorageLayout Resolve(Torrent torrent, string outputPath)
    {
        string root = Path.GetFullPath(outputPath);
        if (!torrent.IsMultiFile)
        {
            if (Directory.Exists(root))
                throw new IOException($"{root} is a folder; give the name of the file to write");
            return new StorageLayout(root, [root], torrent.Files);
        }
        if (File.Exists(root))
            throw new IOException($"{root} is a file; a multi-file torrent needs a folder");
        var paths = torrent.Files.Select(f => f.ResolveUnder(root)).ToList();
        return new StorageLayout(root, paths, torrent.Files);
    }
}
