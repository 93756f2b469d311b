using System.Net;
using System.Text;

namespace MeTorrent.Metainfo;

/// <summary>
/// A magnet link (BEP 9): a torrent named by its info hash alone, with optional hints for finding
/// peers — tracker URLs (<c>tr</c>) and peer addresses (<c>x.pe</c>) — and a display name (<c>dn</c>).
/// The info dictionary itself comes from the peers (ut_metadata). Parse one with <see cref="MagnetParser"/>.
/// </summary>
public sealed record MagnetLink(InfoHash InfoHash, string? DisplayName, IReadOnlyList<string> Trackers, IReadOnlyList<IPEndPoint> Peers)
{
    public const string Scheme = "magnet:";

    /// <summary>Parses a magnet link; throws <see cref="MetainfoException"/> with a one-line reason.</summary>
    public static MagnetLink Parse(string link) => MagnetParser.Parse(link);

    /// <summary>True if <paramref name="text"/> starts like a magnet link (so a CLI argument is not a file name).</summary>
    public static bool LooksLikeMagnet(string text) => text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The tracker tiers to announce to: each <c>tr</c> is its own tier, in link order (as BEP 12 allows).</summary>
    public IReadOnlyList<IReadOnlyList<string>> TrackerTiers => Trackers.Select(t => (IReadOnlyList<string>)[t]).ToList();

    /// <summary>The magnet link of a torrent: its info hash in hex, its name and every tracker.</summary>
    public static MagnetLink For(Torrent torrent) =>
        new(torrent.InfoHash, torrent.Name, torrent.TrackerTiers.SelectMany(tier => tier).Distinct().ToList(), []);

    /// <summary>The link as text: <c>magnet:?xt=urn:btih:&lt;hex&gt;&amp;dn=…&amp;tr=…&amp;x.pe=…</c>, every value percent-encoded.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("magnet:?xt=urn:btih:").Append(InfoHash.Hex);
        if (DisplayName is not null)
            text.Append("&dn=").Append(Uri.EscapeDataString(DisplayName));
        foreach (var tracker in Trackers)
            text.Append("&tr=").Append(Uri.EscapeDataString(tracker));
        foreach (var peer in Peers)
            text.Append("&x.pe=").Append(Uri.EscapeDataString(peer.ToString()));
        return text.ToString();
    }
}
