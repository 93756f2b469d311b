// Lesson 07-Magnet: generated from Metainfo/Magnet/MagnetParser.cs by Lessons/tools. Your file: do the TODOs.
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

    // TODO(07-magnet.parameters): split the query at '&' into key=value pairs; keys are case-insensitive and may carry a number ("tr.1"); percent-decode every value (in dn, '+' is a space); collect every xt (then ReadInfoHash), the last dn, every tr (once each, empty ones skipped) and every x.pe (PeerEndpoint.TryParse, an error if it is not an address); ignore other keys; refuse more than MaxEntries of xt, tr or x.pe.
    private static MagnetLink ReadParameters(string query)
    {
        throw new NotImplementedException("Lesson 07 step 3 (parameters): BEP 9: xt, dn, tr and x.pe are key=value pairs joined by '&', every value percent-encoded, and tr and x.pe may repeat. Stuck? Lessons/07-Magnet/HINTS.md");
    }

    // TODO(07-magnet.info-hash): of the xt values, the "urn:btih:" ones (any case) name the info hash: 40 hex digits (either case) or 32 base32 characters (Base32.Decode); several equal ones are one; every other case is a MetainfoException saying what is wrong: none, different hashes, v2-only ("urn:btmh:"), not BitTorrent, a wrong length, a wrong character.
    internal static InfoHash ReadInfoHash(IReadOnlyList<string> topics)
    {
        throw new NotImplementedException("Lesson 07 step 2 (info hash): BEP 9: xt=urn:btih:<info hash>, the hash as 40 hex digits or 32 base32 characters. Stuck? Lessons/07-Magnet/HINTS.md");
    }

    // TODO(07-magnet.percent-decoding): "%" and two hex digits stand for one byte; every other character stands for its own UTF-8 bytes; the bytes, together, are UTF-8 text. A "%" without two hex digits after it is a MetainfoException.
    internal static string PercentDecode(string text)
    {
        throw new NotImplementedException("Lesson 07 step 1 (percent-decoding): RFC 3986: %XX is one byte (two hex digits), and the bytes are UTF-8. Stuck? Lessons/07-Magnet/HINTS.md");
    }

    /// <summary>Hostile text in an error message: at most 60 characters, control characters escaped.</summary>
    private static string Shorten(string text)
    {
        string visible = string.Concat(text.Take(60).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return text.Length > 60 ? visible + "..." : visible;
    }
}
