using System.Globalization;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>`magnet_download_piece -o &lt;path&gt; &lt;link&gt; &lt;index&gt;`: metadata from peers, then one piece (course stage).</summary>
public sealed class MagnetDownloadPieceCommand : ICommand, IHasOptions
{
    public string Name => "magnet_download_piece";
    public string Summary => "fetch a magnet link's metadata, then download one piece";
    public string Help => $"""
        Usage: metorrent magnet_download_piece -o <path> <magnet-link> <piece-index> [--peer ip:port]... [--timeout S]

        Fetches the link's metadata from its peers (as magnet_info does), then downloads the piece as
        download_piece does: from one peer at a time, in 16 KiB blocks, checked by its SHA-1, written
        to <path>. Prints "Piece <index> downloaded to <path>.".

        Options:
          -o, --output PATH   where to write the piece (required)
          --peer IP:PORT      a peer to ask (repeatable)
          --timeout S         give up on a peer that sends no block for S seconds, choked or not (default 60)
          --verbose           log the metadata phase's peer events to standard error
        {EncryptionOption.DialHelp(20)}

        Example:
          metorrent magnet_download_piece -o /tmp/piece-0 "magnet:?xt=urn:btih:...&tr=..." 0
        """;

    public IReadOnlyList<string> ValueOptions => ["-o", "--output", "--peer", "--timeout", EncryptionOption.Name];
    public IReadOnlyList<string> FlagOptions => ["--verbose"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "a magnet link and a piece index, e.g. metorrent magnet_download_piece -o piece0 \"magnet:?...\" 0");
        string path = args.Option("-o", "--output") ?? throw new UserError("option -o <path> is required");
        if (Directory.Exists(path))
            throw new UserError($"{path} is a folder; -o needs a file name");
        var dial = EncryptionOption.ParseDial(args);
        var magnet = MagnetInput.Parse(args.Positionals[0]);
        if (!int.TryParse(args.Positionals[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw new UserError($"piece index must be a whole number, not \"{args.Positionals[1]}\"");
        var noProgress = TimeSpan.FromSeconds(args.IntOption(60, 1, 86400, "--timeout"));
        var peerId = PeerId.Generate();
        var extra = args.Options("--peer").Select(PeerAddress.Parse).ToList();
        var fetched = await MagnetInput.FetchAsync(magnet, extra, peerId, quiet: true, args.Flag("--verbose"), Console.Error, cancellation, dial);
        if (index >= fetched.Torrent.PieceCount)
            throw new UserError($"piece index must be 0..{fetched.Torrent.PieceCount - 1}, not {index}");
        return await DownloadPieceCommand.DownloadAsync(fetched.Torrent, index, path, [.. extra.Concat(fetched.Peers).Distinct()], peerId, noProgress, output, cancellation, dial: dial);
    }
}
