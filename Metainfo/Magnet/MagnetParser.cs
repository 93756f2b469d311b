using System.Net;

namespace MeTorrent.Metainfo;

/// <summary>
/// Reads a magnet link (BEP 9): <c>magnet:?xt=urn:btih:&lt;info hash&gt;&amp;dn=&lt;name&gt;&amp;tr=&lt;tracker&gt;&amp;x.pe=&lt;ip:port&gt;</c>.
/// The info hash is 40 hex digits or 32 base32 characters. Values are percent-encoded (UTF-8); several
/// <c>xt</c> may appear (we use the btih one), <c>tr</c> and <c>x.pe</c> may repeat, and parameters we do
/// not use (<c>xl</c>, <c>ws</c>, <c>so</c>, ...) are ignored. Anything we cannot use is a one-line
/// <see cref="MetainfoException"/>; sizes are bounded so a hostile link cannot make us hold much.
/// </summary>
public static class MagnetParser
{
    /// <summary>Longest link accepted; real links with dozens of trackers stay under a few KiB.</summary>
    public const int MaxLinkLength = 64 * 1024;

    /// <summary>Most <c>tr</c> and most <c>x.pe</c> entries accepted (each).</summary>
    public const int MaxEntries = 200;

    public static MagnetLink Parse(string link)
    {
        link = link.Trim();
        if (!MagnetLink.LooksLikeMagnet(link))
            throw new MetainfoException("Not a magnet link: it must start with \"magnet:?\".");
        if (link.Length > MaxLinkLength)
            throw new MetainfoException($"Magnet link too long: {link.Length} characters (the limit is {MaxLinkLength}).");
        string query = link[MagnetLink.Scheme.Length..];
        if (!query.StartsWith('?'))
            throw new MetainfoException("Not a magnet link: \"magnet:\" must be followed by \"?\".");

        var topics = new List<string>();
        string? name = null;
        var trackers = new List<string>();
        var peers = new List<IPEndPoint>();
        foreach (string parameter in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = parameter.IndexOf('=');
            string key = (equals < 0 ? parameter : parameter[..equals]).ToLowerInvariant();
            string raw = equals < 0 ? "" : parameter[(equals + 1)..];
            // "tr.1", "xt.2": BEP 9 allows numbered copies of a parameter.
            string baseKey = key.Contains('.') && key.Split('.')[^1].All(char.IsAsciiDigit) ? key[..key.LastIndexOf('.')] : key;
            switch (baseKey)
            {
                case "xt":
                    topics.Add(Decode(raw));
                    break;
                case "dn":
                    name = Decode(raw.Replace('+', ' '));
                    break;
                case "tr":
                    string tracker = Decode(raw);
                    if (tracker.Length > 0 && !trackers.Contains(tracker))
                        trackers.Add(tracker);
                    break;
                case "x.pe":
                    string text = Decode(raw);
                    peers.Add(PeerEndpoint.TryParse(text, out string problem)
                        ?? throw new MetainfoException($"Magnet link: x.pe \"{Shorten(text)}\" is not a peer address like 1.2.3.4:6881 or [::1]:6881 ({problem})."));
                    break;
            }
            if (topics.Count > MaxEntries || trackers.Count > MaxEntries || peers.Count > MaxEntries)
                throw new MetainfoException($"Magnet link: more than {MaxEntries} xt, tr or x.pe entries.");
        }
        return new MagnetLink(ReadInfoHash(topics), name, trackers, peers.Distinct().ToList());
    }

    /// <summary>The btih topic's info hash; every other case is a clear error.</summary>
    private static InfoHash ReadInfoHash(List<string> topics)
    {
        const string V1 = "urn:btih:", V2 = "urn:btmh:";
        var hashes = topics.Where(t => t.StartsWith(V1, StringComparison.OrdinalIgnoreCase))
            .Select(t => ParseHash(t[V1.Length..])).Distinct().ToList();
        if (hashes.Count == 1)
            return hashes[0];
        if (hashes.Count > 1)
            throw new MetainfoException("Magnet link names several different torrents (more than one xt=urn:btih:).");
        if (topics.Any(t => t.StartsWith(V2, StringComparison.OrdinalIgnoreCase)))
            throw new MetainfoException("Magnet link is v2-only (xt=urn:btmh:, BEP 52): v2 torrents are not supported yet.");
        if (topics.Count > 0)
            throw new MetainfoException($"Magnet link is not for BitTorrent: xt=\"{Shorten(topics[0])}\" (expected xt=urn:btih:<info hash>).");
        throw new MetainfoException("Magnet link has no info hash (xt=urn:btih:<info hash> is missing).");
    }

    private static InfoHash ParseHash(string text)
    {
        if (text.Length == InfoHash.Length * 2)
        {
            if (!text.All(char.IsAsciiHexDigit))
                throw new MetainfoException($"Magnet link: info hash \"{Shorten(text)}\" is not hexadecimal.");
            return InfoHash.FromHex(text);
        }
        if (text.Length == 32)
            return new InfoHash(Base32.Decode(text)
                ?? throw new MetainfoException($"Magnet link: info hash \"{Shorten(text)}\" is not base32 (A-Z, 2-7)."));
        throw new MetainfoException(
            $"Magnet link: info hash has {text.Length} characters; a v1 info hash is 40 hex digits or 32 base32 characters.");
    }

    /// <summary>Percent-decoding (UTF-8); a malformed escape such as "%G1" is kept as written.</summary>
    private static string Decode(string raw) => Uri.UnescapeDataString(raw);

    /// <summary>Hostile text in an error message: at most 60 characters, control characters escaped.</summary>
    private static string Shorten(string text)
    {
        string visible = string.Concat(text.Take(60).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return text.Length > 60 ? visible + "..." : visible;
    }
}
