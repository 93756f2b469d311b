using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>`info &lt;file.torrent&gt;`: the course's summary of a torrent, plus its files.</summary>
public sealed class InfoCommand : ICommand
{
    public string Name => "info";
    public string Summary => "show a torrent's tracker, size, info hash and pieces";
    public string Help => """
        Usage: metorrent info <file.torrent | ->

        Prints the tracker URL, total length, info hash, piece length and every piece hash,
        then (for a multi-file torrent) its name and files. "-" reads the torrent from standard input.
        Control characters in names are shown escaped (\n, \x1b), never sent to the terminal.

        Example:
          metorrent info sample.torrent
        """;

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one .torrent file (or - for standard input)");
        var torrent = InputFiles.ReadTorrent(args.Positionals[0]);

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
        return Task.FromResult(0);
    }
}
