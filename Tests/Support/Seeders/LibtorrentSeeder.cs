namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// libtorrent 2.0 (python3-libtorrent, via lt_seed.py beside this file) seeding a torrent:
/// <c>using var seeder = LibtorrentSeeder.Start(ns, torrentPath, dataDir, 6881);</c>
/// dataDir holds the content named like the torrent. No tracker, DHT, LSD, UPnP or uTP; several
/// connections from 127.0.0.1 allowed. Returns once it is seeding and listening.
/// </summary>
public sealed class LibtorrentSeeder : Seeder
{
    private LibtorrentSeeder(NetworkNamespace ns, int port) : base(ns, port) { }

    public override string PeerIdPrefix => "-LT";

    /// <param name="check">hash the data before seeding (default: trust it, seed mode)</param>
    /// <param name="keepUploadOnlyPeers">stay connected to peers that want nothing (libtorrent closes such connections by default)</param>
    /// <param name="encryption">null: libtorrent's defaults (plain and encrypted handshakes taken); "--encrypted": only
    /// encrypted handshakes (MSE), plaintext or RC4 after them; "--rc4": only encrypted ones, RC4 after them too (what
    /// qBittorrent's "require encryption" sets)</param>
    public static LibtorrentSeeder Start(NetworkNamespace ns, string torrentPath, string dataDir, int port = 6881,
        bool check = false, TimeSpan? readyTimeout = null, bool keepUploadOnlyPeers = false, string? encryption = null)
    {
        Tools.RequireLibtorrent();
        var seeder = new LibtorrentSeeder(ns, port);
        try
        {
            string ready = Path.Combine(seeder.WorkDir, "ready");
            string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_seed.py");
            seeder.StartProcess(Tools.SystemPython,
                [script, Path.GetFullPath(torrentPath), Path.GetFullPath(dataDir), port.ToString(), ready,
                .. check ? new[] { "--check" } : [], .. keepUploadOnlyPeers ? new[] { "--keep-upload-only-peers" } : [],
                .. encryption is null ? [] : new[] { encryption }]);
            var timeout = readyTimeout ?? TimeSpan.FromSeconds(60);
            seeder.WaitUntil(() => File.Exists(ready), timeout, "seeding");
            if (encryption is null)   // the probe's handshake is plain: one that requires encryption is closed unanswered
                seeder.WaitForHandshake(torrentPath, timeout);
            return seeder;
        }
        catch
        {
            seeder.Dispose();
            throw;
        }
    }
}
