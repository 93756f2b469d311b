// Lesson 02-Metainfo: copied from Metainfo/SourceFiles.cs by Lessons/tools. Provided complete; nothing to do here.
using System.Text;

namespace MeTorrent.Metainfo;

/// <summary>The files a new torrent is made from: one file, or every regular file under a folder.</summary>
internal sealed record SourceFiles(string Name, bool IsFolder, IReadOnlyList<SourceFiles.Entry> Files)
{
    /// <param name="IsPadding">a BEP 47 padding file: zeros, with no file on disk (<see cref="PaddingFiles"/>)</param>
    public sealed record Entry(string FullPath, IReadOnlyList<string> RelativePath, long Length, bool IsPadding = false);

    public static SourceFiles Collect(string sourcePath, List<string> skipped)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourcePath));
        var item = new FileInfo(full);
        if (!item.Exists && !Directory.Exists(full))
            throw new MetainfoException($"{sourcePath} does not exist.");
        if (item.LinkTarget is not null || new DirectoryInfo(full).LinkTarget is not null)
            throw new MetainfoException($"{sourcePath} is a symbolic link; give the file or folder it points to.");

        string name = Path.GetFileName(full);
        if (SafePath.Problem(name) is { } problem)
            throw new MetainfoException($"{sourcePath} cannot name a torrent: {problem}.");

        if (item.Exists)
        {
            if (!IsRegular(item))
                throw new MetainfoException($"{sourcePath} is not a regular file (a device, pipe or socket).");
            return new SourceFiles(name, IsFolder: false, [new Entry(full, [name], item.Length)]);
        }

        var files = new List<Entry>();
        Walk(new DirectoryInfo(full), [], files, skipped);
        if (files.Count == 0)
            throw new MetainfoException($"{sourcePath} contains no files.");
        // mktorrent's order: the '/'-joined relative path compared byte by byte (UTF-8), so "a-c" comes before "a/b".
        var keys = files.Select(Utf8Key).ToArray();
        var sorted = files.ToArray();
        Array.Sort(keys, sorted, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
        return new SourceFiles(name, IsFolder: true, sorted);
    }

    private static void Walk(DirectoryInfo folder, List<string> relative, List<Entry> files, List<string> skipped)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            var path = new List<string>(relative) { entry.Name };
            string shown = string.Join('/', path);
            if (SafePath.Problem(entry.Name) is { } problem)
                skipped.Add($"{shown}: {problem} cannot be stored in a torrent");
            else if (entry.LinkTarget is not null)
                skipped.Add($"{shown}: symbolic link (not followed)");
            else if (entry is DirectoryInfo sub)
                Walk(sub, path, files, skipped);
            else if (entry is FileInfo file && IsRegular(file))
                files.Add(new Entry(file.FullName, path, file.Length));
            else
                skipped.Add($"{shown}: not a regular file (device, pipe or socket)");
        }
    }

    // .NET reports a pipe or a device as an ordinary empty file; only lstat's file type tells them apart.
    private static bool IsRegular(FileInfo file) => UnixFileType.IsRegularFile(file.FullName) ?? true;

    private static byte[] Utf8Key(Entry entry) => Encoding.UTF8.GetBytes(string.Join('/', entry.RelativePath));
}
