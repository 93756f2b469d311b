namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// libtorrent 2.0 (lt_pex_peer.py beside this file) as a go-between for peer-exchange tests (ut_pex, BEP 11):
/// it has none of the torrent's data and wants none, dials one peer (<c>dialPort</c>) and keeps that
/// connection, and accepts others on <see cref="Seeder.Port"/>. With ut_pex on it tells each peer about the
/// others; <c>pex: false</c> keeps it out of peer exchange (it neither sends nor takes peers). Returns once the
/// dialled peer has completed the handshake. No tracker, DHT, LSD, UPnP or uTP.
/// </summary>
public sealed class LibtorrentPexPeer : Seeder
{
    private LibtorrentPexPeer(NetworkNamespace ns, int port) : base(ns, port) { }

    public override string PeerIdPrefix => "-LT";

    public static LibtorrentPexPeer Start(NetworkNamespace ns, string torrentPath, int port, int dialPort, bool pex = true)
    {
        Tools.RequireLibtorrent();
        var peer = new LibtorrentPexPeer(ns, port);
        try
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_pex_peer.py");
            string saveDir = Path.Combine(peer.WorkDir, "data");
            peer.StartProcess(Tools.SystemPython,
                [script, Path.GetFullPath(torrentPath), saveDir, port.ToString(), dialPort.ToString(), .. pex ? Array.Empty<string>() : ["--no-pex"]]);
            peer.WaitUntil(() => peer.LogContains($"connected 127.0.0.1:{dialPort}"), TimeSpan.FromSeconds(60), $"connected to 127.0.0.1:{dialPort}");
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    private bool LogContains(string text)
    {
        try
        {
            return File.ReadAllText(LogPath).Contains(text);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
