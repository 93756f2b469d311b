using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>`magnet_download -o &lt;path&gt; &lt;link&gt;`: the course's name for `download` with a magnet link.</summary>
public sealed class MagnetDownloadCommand : ICommand, IHasOptions
{
    private readonly DownloadCommand _download = new();

    public string Name => "magnet_download";
    public string Summary => "fetch a magnet link's metadata, then download the whole torrent";
    public string Help => """
        Usage: metorrent magnet_download -o <path> <magnet-link> [options]

        The same as `metorrent download -o <path> <magnet-link>` (see `metorrent download --help` for
        every option): fetches and checks the metadata, keeps it as <path>.torrent, then downloads and
        checks every piece. Run it again to resume.

        Example:
          metorrent magnet_download -o /tmp/sample.txt "magnet:?xt=urn:btih:...&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
        """;

    public IReadOnlyList<string> ValueOptions => _download.ValueOptions;
    public IReadOnlyList<string> FlagOptions => _download.FlagOptions;

    public Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one magnet link, e.g. metorrent magnet_download -o out.bin \"magnet:?xt=urn:btih:...\"");
        if (!MagnetLink.LooksLikeMagnet(args.Positionals[0]))
            throw new UserError("magnet_download takes a magnet link (\"magnet:?xt=urn:btih:...\"); for a .torrent file use download");
        return _download.RunAsync(args, output, cancellation);
    }
}
