using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>`magnet_info &lt;link&gt;`: fetches a magnet link's metadata from peers and prints it as `info` does (course stage).</summary>
public sealed class MagnetInfoCommand : ICommand, IHasOptions
{
    public string Name => "magnet_info";
    public string Summary => "fetch a magnet link's metadata from peers and show it";
    public string Help => $"""
        Usage: metorrent magnet_info <magnet-link> [--peer ip:port]... [--save-torrent FILE] [--verbose]

        Finds peers (the link's trackers, x.pe and --peer), fetches the info dictionary from those that
        offer it (ut_metadata, BEP 9) in 16 KiB pieces, checks that its SHA-1 is the link's info hash,
        and prints what `info` prints: tracker URL, length, info hash, piece length, piece hashes.

        Options:
          --peer IP:PORT        a peer to ask (repeatable)
          --save-torrent FILE   also write the .torrent made of the fetched metadata and the link's trackers
          --verbose             log every peer event (dropped, rejected, lying) to standard error
        {EncryptionOption.DialHelp(22)}

        Example:
          metorrent magnet_info "magnet:?xt=urn:btih:...&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
        """;

    public IReadOnlyList<string> ValueOptions => ["--peer", "--save-torrent", EncryptionOption.Name];
    public IReadOnlyList<string> FlagOptions => ["--verbose"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one magnet link, e.g. metorrent magnet_info \"magnet:?xt=urn:btih:...\"");
        var dial = EncryptionOption.ParseDial(args);
        var magnet = MagnetInput.Parse(args.Positionals[0]);
        var fetched = await MagnetInput.FetchAsync(magnet, args.Options("--peer").Select(PeerAddress.Parse).ToList(), PeerId.Generate(),
            quiet: true, args.Flag("--verbose"), Console.Error, cancellation, dial);
        if (args.Option("--save-torrent") is { } file)
            SavedMetadata.Write(file, fetched.TorrentFile);
        InfoCommand.Print(fetched.Torrent, output);
        return 0;
    }
}
