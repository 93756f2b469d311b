using System.Globalization;
using System.Net;
using System.Text;

namespace MeTorrent.Metainfo;

/// <summary>
/// Reads a magnet link (BEP 9): <c>magnet:?xt=urn:btih:&lt;info hash&gt;&amp;dn=&lt;name&gt;&amp;tr=&lt;tracker&gt;&amp;x.pe=&lt;ip:port&gt;</c>.
/// The info hash is 40 hex digits or 32 base32 characters. Values are percent-encoded (UTF-8; a malformed
/// escape is an error, not kept as written: a link that cannot be read exactly is refused); several
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

        return ReadParameters(query[1..]);
    }

    // LESSON 07-magnet.parameters: split the query at '&' into key=value pairs; keys are case-insensitive and may carry a number ("tr.1"); percent-decode every value (in dn, '+' is a space); collect every xt (then ReadInfoHash), the last dn, every tr (once each, empty ones skipped) and every x.pe (PeerEndpoint.TryParse, an error if it is not an address); ignore other keys; refuse more than MaxEntries of xt, tr or x.pe.
    private static MagnetLink ReadParameters(string query)
    {
        // STUB: throw new NotImplementedException("Lesson 07 step 3 (parameters): BEP 9: xt, dn, tr and x.pe are key=value pairs joined by '&', every value percent-encoded, and tr and x.pe may repeat. Stuck? Lessons/07-Magnet/HINTS.md");
        // BEGIN SOLUTION
        var topics = new List<string>();
        string? name = null;
        var trackers = new List<string>();
        var peers = new List<IPEndPoint>();
        foreach (string parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = parameter.IndexOf('=');
            string key = (equals < 0 ? parameter : parameter[..equals]).ToLowerInvariant();
            string raw = equals < 0 ? "" : parameter[(equals + 1)..];
            // "tr.1", "xt.2": BEP 9 allows numbered copies of a parameter.
            string baseKey = key.Contains('.') && key.Split('.')[^1].All(char.IsAsciiDigit) ? key[..key.LastIndexOf('.')] : key;
            switch (baseKey)
            {
                case "xt":
                    topics.Add(PercentDecode(raw));
                    break;
                case "dn":
                    name = PercentDecode(raw.Replace('+', ' '));
                    break;
                case "tr":
                    string tracker = PercentDecode(raw);
                    if (tracker.Length > 0 && !trackers.Contains(tracker))
                        trackers.Add(tracker);
                    break;
                case "x.pe":
                    string text = PercentDecode(raw);
                    peers.Add(PeerEndpoint.TryParse(text, out string problem)
                        ?? throw new MetainfoException($"Magnet link: x.pe \"{Shorten(text)}\" is not a peer address like 1.2.3.4:6881 or [::1]:6881 ({problem})."));
                    break;
            }
            if (topics.Count > MaxEntries || trackers.Count > MaxEntries || peers.Count > MaxEntries)
                throw new MetainfoException($"Magnet link: more than {MaxEntries} xt, tr or x.pe entries.");
        }
        return new MagnetLink(ReadInfoHash(topics), name, trackers, peers.Distinct().ToList());
        // END SOLUTION
    }

    // LESSON 07-magnet.info-hash: of the xt values, the "urn:btih:" ones (any case) name the info hash: 40 hex digits (either case) or 32 base32 characters (Base32.Decode); several equal ones are one; every other case is a MetainfoException saying what is wrong: none, different hashes, v2-only ("urn:btmh:"), not BitTorrent, a wrong length, a wrong character.
    internal static InfoHash ReadInfoHash(IReadOnlyList<string> topics)
    {
        // STUB: throw new NotImplementedException("Lesson 07 step 2 (info hash): BEP 9: xt=urn:btih:<info hash>, the hash as 40 hex digits or 32 base32 characters. Stuck? Lessons/07-Magnet/HINTS.md");
        // BEGIN SOLUTION
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
        // END SOLUTION
    }
    // BEGIN SOLUTION

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
    // END SOLUTION

    // LESSON 07-magnet.percent-decoding: "%" and two hex digits stand for one byte; every other character stands for its own UTF-8 bytes; the bytes, together, are UTF-8 text. A "%" without two hex digits after it is a MetainfoException.
    internal static string PercentDecode(string text)
    {
        // STUB: throw new NotImplementedException("Lesson 07 step 1 (percent-decoding): RFC 3986: %XX is one byte (two hex digits), and the bytes are UTF-8. Stuck? Lessons/07-Magnet/HINTS.md");
        // BEGIN SOLUTION
        var bytes = new List<byte>(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte escaped))
                    throw new MetainfoException($"Magnet link: \"{Shorten(text)}\" is not valid percent-encoding (\"%\" must be followed by two hex digits; a \"%\" itself is %25).");
                bytes.Add(escaped);
                i += 3;
            }
            else
            {
                int next = text.IndexOf('%', i);
                int end = next < 0 ? text.Length : next;
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i..end]));
                i = end;
            }
        }
        // Bytes that are not UTF-8 become U+FFFD, as a browser shows them.
        return Encoding.UTF8.GetString(bytes.ToArray());
        // END SOLUTION
    }

    /// <summary>Hostile text in an error message: at most 60 characters, control characters escaped.</summary>
    private static string Shorten(string text)
    {
        string visible = string.Concat(text.Take(60).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return text.Length > 60 ? visible + "..." : visible;
    }
}
