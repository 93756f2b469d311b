namespace MeTorrent.Metainfo;

/// <summary>
/// Checks that a multi-file torrent's paths can all exist at once on disk: no file listed twice, and
/// no name used both as a file and as a folder ("a" and "a/b") — a download could not write both.
/// The paths are kept as a tree, so a check costs one step per path component, however deep.
/// </summary>
internal sealed class FolderLayout
{
    private sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public bool IsFile;
    }

    private readonly Node _root = new();

    /// <summary>Records <paramref name="path"/>; returns why it clashes with an earlier path, or null.</summary>
    public string? Conflict(IReadOnlyList<string> path)
    {
        var node = _root;
        for (int i = 0; i < path.Count; i++)
        {
            if (node.IsFile)
                return $"\"{Join(path, i)}\" is both a file and a folder";
            node.Children ??= new(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(path[i], out var child))
                node.Children[path[i]] = child = new Node();
            node = child;
        }
        if (node.IsFile)
            return $"the file \"{Join(path, path.Count)}\" is listed twice";
        if (node.Children is not null)
            return $"\"{Join(path, path.Count)}\" is both a file and a folder";
        node.IsFile = true;
        return null;
    }

    private static string Join(IReadOnlyList<string> path, int count) => string.Join('/', path.Take(count));
}
