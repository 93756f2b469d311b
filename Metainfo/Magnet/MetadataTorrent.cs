using System.Text;
using MeTorrent.Bencode;

namespace MeTorrent.Metainfo;

/// <summary>
/// Turns an info dictionary fetched from peers (BEP 9) into a .torrent: the dictionary's bytes go in
/// unchanged — re-encoding could change the info hash — next to the magnet link's trackers.
/// </summary>
public static class MetadataTorrent
{
    /// <summary>The bytes of a .torrent file holding <paramref name="infoBytes"/> and <paramref name="trackers"/> (one tier each).</summary>
    public static byte[] FileBytes(ReadOnlySpan<byte> infoBytes, IReadOnlyList<string> trackers)
    {
        var file = new MemoryStream();
        file.WriteByte((byte)'d');
        // Keys in raw-byte order (BEP 3): announce, announce-list, info.
        if (trackers.Count > 0)
        {
            WriteString(file, "announce");
            WriteString(file, trackers[0]);
            WriteString(file, "announce-list");
            var tiers = new BList(trackers.Select(t => (BValue)new BList([new BString(t)])));
            file.Write(BencodeEncoder.Encode(tiers));
        }
        WriteString(file, "info");
        file.Write(infoBytes);
        file.WriteByte((byte)'e');
        return file.ToArray();
    }

    /// <summary>
    /// Parses the .torrent made of <paramref name="infoBytes"/> and <paramref name="magnet"/>'s trackers; the
    /// info hash must be the magnet's (a MetainfoException otherwise, or if the dictionary is not a valid torrent).
    /// </summary>
    public static (Torrent Torrent, byte[] FileBytes) Build(ReadOnlySpan<byte> infoBytes, MagnetLink magnet)
    {
        if (InfoHash.Compute(infoBytes) != magnet.InfoHash)
            throw new MetainfoException($"The metadata does not match the magnet link: its SHA-1 is {InfoHash.Compute(infoBytes).Hex}, not {magnet.InfoHash.Hex}.");
        var bytes = FileBytes(infoBytes, magnet.Trackers);
        return (TorrentParser.Parse(bytes), bytes);
    }

    private static void WriteString(Stream output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.Write(Encoding.ASCII.GetBytes($"{bytes.Length}:"));
        output.Write(bytes);
    }
}
