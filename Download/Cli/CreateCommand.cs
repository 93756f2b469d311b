using System.Globalization;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>`create -o out.torrent [-t url]… [-l size] [--private] [-c comment] &lt;file-or-folder&gt;`.</summary>
public sealed class CreateCommand : ICommand, IHasOptions
{
    public string Name => "create";
    public string Summary => "make a .torrent from a file or a folder";
    public string Help => """
        Usage: metorrent create -o <out.torrent> [options] <file-or-folder>

        Hashes the file or folder and writes a v1 .torrent (BEP 3). A folder's files are listed in
        byte order of their paths, as mktorrent does; symbolic links and special files are skipped.

        Options:
          -o, --output FILE         where to write the .torrent (required; never overwritten unless --force)
          -t, --tracker URL         a tracker announce URL; repeat for backup trackers (one tier each)
          -l, --piece-length SIZE   bytes per piece: a power of two from 16K to 64M, written as bytes
                                    (262144), with K/M (256K), or as a power of two like mktorrent (18)
                                    default: the smallest of 16K..16M giving at most ~1500 pieces
          -p, --private             set the private flag (BEP 27): peers from the trackers only
          -c, --comment TEXT        a comment stored in the torrent
              --no-date             leave out the creation date (same content, same bytes)
              --force               overwrite the output file if it exists

        Example:
          metorrent create -o photos.torrent -t http://127.0.0.1:6969/announce ~/photos
        """;

    public IReadOnlyList<string> ValueOptions => ["-o", "--output", "-t", "--tracker", "-l", "--piece-length", "-c", "--comment"];
    public IReadOnlyList<string> FlagOptions => ["-p", "--private", "--no-date", "--force"];

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one file or folder to make a torrent of (see metorrent create --help)");
        string source = args.Positionals[0];
        string target = args.Option("-o", "--output") ?? throw new UserError("say where to write the torrent with -o <file.torrent>");
        if (File.Exists(target) && !args.Flag("--force"))
            throw new UserError($"{target} already exists (use --force to overwrite it)");
        if (Directory.Exists(target))
            throw new UserError($"{target} is a folder; -o needs a file name");
        string sourceFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)) + Path.DirectorySeparatorChar;
        if (Path.GetFullPath(target).StartsWith(sourceFolder, StringComparison.Ordinal))
            throw new UserError($"{target} is inside {source}; write the torrent somewhere else, or it would describe itself");

        var builder = new TorrentBuilder(source)
        {
            PieceLength = args.Option("-l", "--piece-length") is { } size ? ParsePieceLength(size) : null,
            IsPrivate = args.Flag("-p", "--private"),
            Comment = args.Option("-c", "--comment"),
            CreationDate = args.Flag("--no-date") ? null : DateTimeOffset.UtcNow,
        };
        foreach (var url in args.Options("-t", "--tracker"))
            builder.Trackers.Add(CheckTracker(url));

        byte[] torrentBytes = builder.Build(cancellation);
        var torrent = TorrentParser.Parse(torrentBytes); // our own output must pass our own checks
        Save(target, torrentBytes, overwrite: args.Flag("--force"));

        foreach (var skipped in builder.Skipped)
            output.WriteLine($"skipped {skipped}");
        output.WriteLine($"Created {target}");
        output.WriteLine($"Name: {torrent.Name}");
        output.WriteLine($"Files: {torrent.Files.Count}");
        output.WriteLine($"Length: {torrent.TotalLength}");
        output.WriteLine($"Piece Length: {torrent.PieceLength}");
        output.WriteLine($"Pieces: {torrent.PieceCount}");
        output.WriteLine($"Info Hash: {torrent.InfoHash.Hex}");
        output.WriteLine($"Magnet: {MagnetLink.For(torrent)}");
        return Task.FromResult(0);
    }

    /// <summary>
    /// Writes the torrent beside its final name and renames it into place, so a full disk or an
    /// interruption never leaves half a torrent, nor destroys the old one that --force replaces.
    /// The folder is created if needed, as the download commands do for their output.
    /// </summary>
    private static void Save(string target, byte[] torrentBytes, bool overwrite)
    {
        string full = Path.GetFullPath(target);
        string temporary = $"{full}.{Guid.NewGuid():N}.part";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(temporary, torrentBytes);
            File.Move(temporary, full, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw new UserError(File.Exists(full) && !overwrite
                ? $"{target} already exists (use --force to overwrite it)"
                : $"cannot write {target}: {e.Message}");
        }
    }

    /// <summary>"262144", "256K", "1M" or mktorrent's exponent "18" (any number below 64 is an exponent).</summary>
    internal static int ParsePieceLength(string text)
    {
        string digits = text.TrimEnd('K', 'k', 'M', 'm', 'B', 'i');
        string suffix = text[digits.Length..].ToUpperInvariant();
        long multiplier = suffix switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1024,
            "M" or "MB" or "MIB" => 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long number)
            || number > TorrentBuilder.MaxPieceLength)
            throw new UserError($"piece length \"{text}\" is not a size like 262144, 256K, 1M or 18 (meaning 2^18)");
        long bytes = suffix == "" && number < 63 ? 1L << (int)number : number * multiplier;
        if (bytes < TorrentBuilder.MinPieceLength || bytes > TorrentBuilder.MaxPieceLength || !long.IsPow2(bytes))
            throw new UserError($"piece length \"{text}\" must be a power of two from 16K to 64M");
        return (int)bytes;
    }

    private static string CheckTracker(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "udp"))
            throw new UserError($"tracker \"{url}\" is not an http://, https:// or udp:// URL");
        return url;
    }
}
