using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>`info &lt;file.torrent&gt;`: the course's summary of a torrent, plus its files.</summary>
public sealed class InfoCommand : ICommand, IHasOptions
{
    public string Name => "info";
    public string Summary => "show a torrent's tracker, size, info hash and pieces";
    public string Help => """
        Usage: metorrent info [--magnet] <file.torrent | ->

        Prints the tracker URL, total length, info hash, piece length and every piece hash,
        then (for a multi-file torrent) its name and files. "-" reads the torrent from standard input.
        Control characters in names are shown escaped (\n, \x1b), never sent to the terminal.

        Options:
          --magnet   print only the torrent's magnet link (info hash, name, trackers; BEP 9)

        Examples:
          metorrent info sample.torrent
          metorrent info --magnet sample.torrent
        """;

    public IReadOnlyList<string> ValueOptions => [];
    public IReadOnlyList<string> FlagOptions => ["--magnet"];

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one .torrent file (or - for standard input)");
        var torrent = InputFiles.ReadTorrent(args.Positionals[0]);
        if (args.Flag("--magnet"))
            output.WriteLine(MagnetLink.For(torrent));
        else
            Print(torrent, output);
        return Task.FromResult(0);
    }

    /// <summary>The course's summary of a torrent (also `magnet_info`'s output).</summary>
    public static void Print(Torrent torrent, TextWriter output)
    {
        output.WriteLine($"Tracker URL: {Printable.Text(torrent.Announce ?? torrent.TrackerTiers.FirstOrDefault()?.FirstOrDefault() ?? "(none)")}");
        output.WriteLine($"Length: {torrent.TotalLength}");
        output.WriteLine($"Info Hash: {torrent.InfoHash.Hex}");
        output.WriteLine($"Piece Length: {torrent.PieceLength}");
        output.WriteLine("Piece Hashes:");
        for (int i = 0; i < torrent.PieceCount; i++)
            output.WriteLine(Convert.ToHexStringLower(torrent.PieceHash(i)));

        if (torrent.IsMultiFile)
        {
            output.WriteLine($"Name: {Printable.Text(torrent.Name)}");
            output.WriteLine("Files:");
            foreach (var file in torrent.Files)
                output.WriteLine($"{file.Length,14}  {Printable.Text(file.DisplayPath)}{(file.IsPadding ? "  (padding)" : "")}");
        }
    }
}
