using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>Reading a .torrent named on the command line ("-" means standard input), with user-friendly errors.</summary>
public static class InputFiles
{
    public static byte[] ReadAllBytes(string path)
    {
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            return ReadBounded(stdin, "standard input");
        }
        if (Directory.Exists(path))
            throw new UserError($"{path} is a folder, not a file");
        if (!File.Exists(path))
            throw new UserError($"no such file: {path}");
        if (new FileInfo(path).Length > TorrentParser.MaxTorrentFileLength)
            throw new UserError($"{path} is larger than {TorrentParser.MaxTorrentFileLength} bytes: not a torrent");
        // The size on disk is not trusted: /dev/zero, a pipe or a /proc file says 0 and never ends.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return ReadBounded(file, path);
    }

    public static Torrent ReadTorrent(string path)
    {
        string name = path == "-" ? "standard input" : path;
        byte[] bytes = ReadAllBytes(path);
        if (bytes.Length == 0)
            throw new UserError($"{name} is empty: not a torrent");
        try
        {
            return Torrent.Parse(bytes);
        }
        catch (MetainfoException e)
        {
            throw new UserError($"{name}: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses an output path that is the .torrent being read: writing the download there would destroy it.
    /// </summary>
    public static void RefuseOverwritingTheTorrent(string torrentPath, string outputPath)
    {
        if (torrentPath == "-" || !File.Exists(torrentPath))
            return;
        if (SameFile(torrentPath, outputPath))
            throw new UserError($"{outputPath} is the .torrent file itself; choose another output path");
    }

    private static bool SameFile(string a, string b)
    {
        string fullA = Path.GetFullPath(a), fullB = Path.GetFullPath(b);
        if (fullA == fullB)
            return true;
        // A symbolic link to the torrent is the same file too.
        var infoA = new FileInfo(fullA).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullA;
        var infoB = File.Exists(fullB) ? new FileInfo(fullB).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullB : fullB;
        return infoA == infoB;
    }

    private static byte[] ReadBounded(Stream input, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk)) > 0)
        {
            if (buffer.Length + read > TorrentParser.MaxTorrentFileLength)
                throw new UserError($"{name} is larger than {TorrentParser.MaxTorrentFileLength} bytes: not a torrent");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
