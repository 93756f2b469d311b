namespace MeTorrent.Download.Seeding;

/// <summary>What an uploader does with one `request` from a peer.</summary>
public enum RequestVerdict
{
    /// <summary>Send the block.</summary>
    Serve,

    /// <summary>A fair request we will not answer now (we choke the peer, or lack the piece): `reject` it with BEP 6, else ignore it.</summary>
    Reject,

    /// <summary>A request no honest client sends (too big, outside the piece or the torrent): close the connection.</summary>
    Disconnect,
}
