using MeTorrent.Metainfo;

namespace MeTorrent.Download.Pex;

/// <summary>Whether peer exchange may be used for a torrent at all.</summary>
public static class PexPolicy
{
    /// <summary>BEP 27: a private torrent gets its peers from its trackers only — no PEX (nor DHT) in either direction.</summary>
    public static bool Allowed(Torrent torrent) => !torrent.IsPrivate;
}
