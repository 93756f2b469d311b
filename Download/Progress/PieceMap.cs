using System.Text;
using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Progress;

/// <summary>
/// The live piece map of `--map`: one cell per piece (or per group of pieces when there are more pieces
/// than cells), a legend, and the peers with their rates and choke state. Rarest first shows as the
/// availability digits of the missing pieces, the endgame as the last cells filling together, a liar as
/// red crosses. Fits an 80-column window; plain text (no colour) when not on a terminal.
/// </summary>
public static class PieceMap
{
    /// <summary>Cells per row and the most rows: 64 × 4 = up to 256 cells.</summary>
    public const int Columns = 64, MaxRows = 4, MaxPeers = 6;

    /// <summary>The lines to print for <paramref name="view"/>, coloured with ANSI escapes when <paramref name="color"/>.</summary>
    public static IReadOnlyList<string> Render(SwarmView view, bool color)
    {
        var lines = new List<string>();
        int pieces = view.Pieces.Count;
        int perCell = Math.Max(1, (pieces + Columns * MaxRows - 1) / (Columns * MaxRows));
        int cells = (pieces + perCell - 1) / perCell;
        for (int row = 0; row * Columns < cells; row++)
        {
            var line = new StringBuilder();
            for (int cell = row * Columns; cell < Math.Min(cells, (row + 1) * Columns); cell++)
                AppendCell(line, Group(view.Pieces, cell * perCell, Math.Min(pieces, (cell + 1) * perCell)), color);
            lines.Add(line.ToString() + (color ? Reset : ""));
        }
        lines.AddRange(Legend(perCell));
        foreach (var peer in view.Peers.OrderByDescending(p => p.DownloadRate + p.UploadRate).Take(MaxPeers))
            lines.Add(PeerLine(peer));
        if (view.Peers.Count > MaxPeers)
            lines.Add($"  … and {view.Peers.Count - MaxPeers} more peers");
        return lines;
    }

    /// <summary>
    /// A group of pieces shows its most telling state: a failure, then work in progress, then what is
    /// missing (with the lowest availability), and verified only when all of it is.
    /// </summary>
    internal static PieceCell Group(IReadOnlyList<PieceCell> pieces, int from, int to)
    {
        var shown = pieces[from];
        for (int i = from + 1; i < to; i++)
            if (Rank(pieces[i]) > Rank(shown) || Rank(pieces[i]) == Rank(shown) && pieces[i].Availability < shown.Availability)
                shown = pieces[i];
        return shown;
    }

    private static int Rank(PieceCell cell) => cell.Mark switch
    {
        PieceMark.Failed => 5,
        PieceMark.Verifying => 4,
        PieceMark.Received => 3,
        PieceMark.Requested => 2,
        PieceMark.Missing => 1,
        _ => 0,
    };

    private const string Reset = "\e[0m";

    private static void AppendCell(StringBuilder line, PieceCell cell, bool color)
    {
        var (symbol, ansi) = cell.Mark switch
        {
            PieceMark.Verified => ('#', "\e[32m"),
            PieceMark.Verifying => ('=', "\e[36m"),
            PieceMark.Received => ('+', "\e[33m"),
            PieceMark.Requested => ('-', "\e[33m"),
            PieceMark.Failed => ('X', "\e[1;31m"),
            _ => (cell.Availability > 9 ? '*' : (char)('0' + cell.Availability), "\e[2m"),
        };
        if (color)
            line.Append(ansi);
        line.Append(symbol);
    }

    private static IEnumerable<string> Legend(int perCell) =>
    [
        "# verified  = hashing  + receiving  - requested  X failed its hash check",
        $"0-9 missing (how many peers have it)  * 10 or more  one cell: {(perCell == 1 ? "a piece" : $"{perCell} pieces")}",
    ];

    private static string PeerLine(PeerView peer) =>
        $"  {peer.EndPoint,-21} ↓ {Units.Rate(peer.DownloadRate),10}  ↑ {Units.Rate(peer.UploadRate),10}  " +
        $"{(peer.PeerChoking ? "chokes us" : "unchokes us"),-11} {(peer.AmChoking ? "choked" : "unchoked"),-8} {peer.Requests,3} req";
}
