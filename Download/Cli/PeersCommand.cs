using System.Net;
using System.Net.Sockets;
using MeTorrent.Tracker;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `peers &lt;file.torrent&gt;`: one announce to the torrent's trackers, then the peers they gave, one
/// ip:port per line (course stage). Like the course, no "stopped" follows: the tracker forgets us after
/// a few intervals. That is also what lets a test register a stand-in peer with `peers --port N`.
/// </summary>
public sealed class PeersCommand : ICommand, IHasOptions
{
    public string Name => "peers";
    public string Summary => "ask the torrent's trackers for peers";
    public string Help => """
        Usage: metorrent peers [--port N] [--numwant N] <file.torrent | ->

        Announces to the torrent's trackers (event=started, left = the torrent's size) and prints
        every peer they return as ip:port, one per line ([ipv6]:port for IPv6).
        Trackers are tried tier by tier (BEP 12) over HTTP, HTTPS or UDP (BEP 15) until one answers.
        No "stopped" announce is sent afterwards; the tracker drops us after a few intervals.

        Options:
          --port N      the port we claim to listen on (default 6881)
          --numwant N   how many peers to ask for (default 50)

        Example:
          metorrent peers sample.torrent
        """;

    public IReadOnlyList<string> ValueOptions => ["--port", "--numwant"];
    public IReadOnlyList<string> FlagOptions => [];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one .torrent file (or - for standard input)");
        int port = args.IntOption(6881, 1, 65535, "--port");
        int numWant = args.IntOption(50, 0, 1000, "--numwant");
        var torrent = InputFiles.ReadTorrent(args.Positionals[0]);
        if (torrent.TrackerTiers.Count == 0)
            throw new UserError("the torrent lists no trackers (it has neither announce nor announce-list)");

        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false, // trackers are dialled directly, whatever http_proxy says
            ConnectTimeout = TimeSpan.FromSeconds(15),
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.All, // the body limit applies to the decompressed bytes
        });
        using var trackers = new MultiTracker(torrent.TrackerTiers, http);
        var request = new AnnounceRequest(torrent.InfoHash, PeerId.Generate(), port)
        {
            Left = torrent.TotalLength,
            Event = AnnounceEvent.Started,
            NumWant = numWant,
            Key = (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L),
        };
        var response = await trackers.AnnounceAsync(request, cancellation);
        foreach (var peer in response.Peers)
            output.WriteLine(Format(peer));
        return 0;
    }

    /// <summary>ip:port, with brackets around an IPv6 address.</summary>
    public static string Format(IPEndPoint peer) =>
        peer.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{peer.Address}]:{peer.Port}" : $"{peer.Address}:{peer.Port}";
}
