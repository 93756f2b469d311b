using System.Net;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>A magnet link named on the command line: parsing, finding peers and fetching its metadata, with one-line errors.</summary>
public static class MagnetInput
{
    public static MagnetLink Parse(string text)
    {
        try
        {
            return MagnetLink.Parse(text);
        }
        catch (MetainfoException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>The torrent behind <paramref name="magnet"/>, its metadata fetched from peers (progress and, if verbose, every peer event on <paramref name="errors"/>).</summary>
    public static async Task<FetchedMetadata> FetchAsync(MagnetLink magnet, IReadOnlyList<IPEndPoint> peers, PeerId peerId,
        bool quiet, bool verbose, TextWriter errors, CancellationToken cancellation, DialEncryption dial = DialEncryption.PlainThenMse)
    {
        if (!quiet)
            errors.WriteLine($"Fetching the metadata of {magnet.InfoHash.Hex} from peers...");
        var gate = new object();
        var options = new MetadataFetchOptions
        {
            Peers = peers,
            PeerId = peerId,
            DialEncryption = dial,
            Log = verbose ? line => { lock (gate) errors.WriteLine("metadata: " + line); } : null,
        };
        try
        {
            var fetched = await MetadataFetcher.FetchAsync(magnet, options, cancellation);
            if (!quiet)
                errors.WriteLine($"Metadata received: {Printable.Text(fetched.Torrent.Name)}, {fetched.Torrent.TotalLength} bytes in {fetched.Torrent.PieceCount} pieces.");
            return fetched;
        }
        catch (MetadataException e)
        {
            throw new UserError($"cannot get the torrent's metadata: {e.Message}");
        }
    }

    /// <summary>The peers of the link's x.pe and --peer; failing those, one announce to its trackers.</summary>
    public static async Task<List<IPEndPoint>> PeersAsync(MagnetLink magnet, IReadOnlyList<IPEndPoint> extra, PeerId peerId, CancellationToken cancellation)
    {
        var peers = magnet.Peers.Concat(extra).Distinct().ToList();
        if (peers.Count > 0)
            return peers;
        if (magnet.Trackers.Count == 0)
            throw new UserError("the magnet link names no tracker (tr) and no peer (x.pe): give peers with --peer ip:port");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(15) });
        using var trackers = new MultiTracker(magnet.TrackerTiers, http);
        var request = new AnnounceRequest(magnet.InfoHash, peerId, 6881)
        {
            Left = 1, // unknown before the metadata; not 0, which would make us a seed
            Event = AnnounceEvent.Started,
            Key = (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L),
        };
        var response = await trackers.AnnounceAsync(request, cancellation);
        if (response.Peers.Count == 0)
            throw new UserError("the tracker knows no peers for this torrent");
        return [.. response.Peers];
    }
}
