namespace MeTorrent.Download.Engine;

internal sealed partial class TorrentLoop
{
    /// <summary>Every piece's state and availability and every peer's rates and flags (demo --map).</summary>
    public SwarmView View(long now)
    {
        var pieces = new PieceCell[_torrent.PieceCount];
        for (int i = 0; i < pieces.Length; i++)
            pieces[i] = new PieceCell(State.MarkOf(i), State.Availability(i));
        var peers = _peers.Select(p => new PeerView(p.Record.EndPoint, p.Depth.BytesPerSecond, p.UploadRate.Update(p.BytesSent(), now),
            p.AmChoking, p.AmInterested, p.PeerChoking, p.PeerInterested, p.Requests.Outstanding.Count, p.Pieces.SetCount)).ToList();
        return new SwarmView(pieces, peers);
    }
}
