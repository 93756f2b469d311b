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
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stdin.Read(chunk)) > 0)
            {
                if (buffer.Length + read > TorrentParser.MaxTorrentFileLength)
                    throw new UserError($"standard input is larger than {TorrentParser.MaxTorrentFileLength} bytes: not a torrent");
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        if (Directory.Exists(path))
            throw new UserError($"{path} is a folder, not a file");
        if (!File.Exists(path))
            throw new UserError($"no such file: {path}");
        if (new FileInfo(path).Length > TorrentParser.MaxTorrentFileLength)
            throw new UserError($"{path} is larger than {TorrentParser.MaxTorrentFileLength} bytes: not a torrent");
        return File.ReadAllBytes(path);
    }

    public static Torrent ReadTorrent(string path)
    {
        try
        {
            return Torrent.Parse(ReadAllBytes(path));
        }
        catch (MetainfoException e)
        {
            throw new UserError($"{(path == "-" ? "standard input" : path)}: {e.Message}");
        }
    }
}
