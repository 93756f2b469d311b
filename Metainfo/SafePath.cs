namespace MeTorrent.Metainfo;

/// <summary>
/// Keeps a torrent's file names from escaping the output folder. A hostile torrent may name a file
/// "../../.bashrc" or "/etc/passwd"; nothing may ever be written outside the folder the user chose.
/// </summary>
public static class SafePath
{
    /// <summary>Why <paramref name="component"/> is not a safe single path component, or null if it is.</summary>
    public static string? Problem(string component)
    {
        if (component.Length == 0) return "an empty path component";
        if (component is "." or "..") return $"the path component \"{component}\"";
        if (component.IndexOfAny(['/', '\\']) >= 0) return $"a path separator inside the component \"{component}\"";
        if (component.Contains('\0')) return "a NUL character in a path component";
        if (component.Length >= 2 && component[1] == ':') return $"a drive letter in \"{component}\"";
        return null;
    }

    /// <summary>Joins <paramref name="components"/> under <paramref name="root"/>, refusing any result outside it.</summary>
    public static string Combine(string root, IEnumerable<string> components)
    {
        string fullRoot = Path.GetFullPath(root);
        string path = fullRoot;
        foreach (var component in components)
        {
            if (Problem(component) is { } problem)
                throw new MetainfoException($"Unsafe file path in torrent: {problem}.");
            path = Path.Combine(path, component);
            RefuseSymbolicLink(path);
        }
        string full = Path.GetFullPath(path);
        string rootWithSeparator = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal) && full != fullRoot)
            throw new MetainfoException($"Unsafe file path in torrent: it leaves the output folder ({full}).");
        return full;
    }

    // A torrent cannot create links, but one already inside the output folder (sub -> /etc) would
    // carry the write outside it; the root itself may be a link: the user chose it.
    private static void RefuseSymbolicLink(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)   // lstat: true for links to folders and dangling links too
            throw new MetainfoException($"Refusing to write through the symbolic link {path}: it may lead outside the output folder.");
    }
}
