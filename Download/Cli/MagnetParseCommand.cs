namespace MeTorrent.Download.Cli;

/// <summary>`magnet_parse &lt;link&gt;`: the tracker and info hash of a magnet link (course stage).</summary>
public sealed class MagnetParseCommand : ICommand, IHasOptions
{
    public string Name => "magnet_parse";
    public string Summary => "show a magnet link's tracker URL and info hash";
    public string Help => """
        Usage: metorrent magnet_parse [-v] <magnet-link>

        Reads a magnet link (BEP 9) and prints its first tracker and its info hash:
          Tracker URL: http://127.0.0.1:6969/announce
          Info Hash: d69f91e6b2ae4c542468d1073a71d4ea13879a7f
        The info hash may be 40 hex digits or 32 base32 characters; values are percent-decoded.
        Quote the link: the shell would otherwise cut it at each "&".

        Options:
          -v, --verbose   also print the name (dn), every tracker (tr) and every peer address (x.pe)

        Example:
          metorrent magnet_parse "magnet:?xt=urn:btih:d69f91e6b2ae4c542468d1073a71d4ea13879a7f&dn=sample.torrent&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
        """;

    public IReadOnlyList<string> ValueOptions => [];
    public IReadOnlyList<string> FlagOptions => ["-v", "--verbose"];

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one magnet link, e.g. metorrent magnet_parse \"magnet:?xt=urn:btih:...\"");
        var magnet = MagnetInput.Parse(args.Positionals[0]);
        output.WriteLine($"Tracker URL: {Printable.Text(magnet.Trackers.FirstOrDefault() ?? "(none)")}");
        output.WriteLine($"Info Hash: {magnet.InfoHash.Hex}");
        if (args.Flag("-v", "--verbose"))
        {
            output.WriteLine($"Name: {Printable.Text(magnet.DisplayName ?? "(none)")}");
            foreach (var tracker in magnet.Trackers.Skip(1))
                output.WriteLine($"Tracker URL: {Printable.Text(tracker)}");
            foreach (var peer in magnet.Peers)
                output.WriteLine($"Peer: {PeersCommand.Format(peer)}");
        }
        return Task.FromResult(0);
    }
}
