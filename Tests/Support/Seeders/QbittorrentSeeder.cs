namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// qbittorrent-nox 4.5 (libtorrent 2.0 inside) seeding a torrent, added through its Web API with curl:
/// <c>using var seeder = QbittorrentSeeder.Start(ns, torrentPath, dataDir, 6883);</c>
/// The configuration is written before the first start: legal notice accepted, DHT/LSD/PEX/UPnP off,
/// several connections per IP allowed, Web API on 127.0.0.1 without a login. Returns once it seeds.
/// </summary>
public sealed class QbittorrentSeeder : Seeder
{
    private QbittorrentSeeder(NetworkNamespace ns, int port, int webPort) : base(ns, port) => WebPort = webPort;

    public override string PeerIdPrefix => "-qB";

    public int WebPort { get; }

    protected override string DiagnosticLogPath => Path.Combine(WorkDir, "profile", "qBittorrent", "data", "logs", "qbittorrent.log");

    /// <param name="magnetLink">add this link instead of the .torrent file (which then only names the info hash for the
    /// handshake probe): qBittorrent fetches the metadata from the link's peers (x.pe) first</param>
    public static QbittorrentSeeder Start(NetworkNamespace ns, string torrentPath, string dataDir, int port = 6883,
        int webPort = 8089, TimeSpan? readyTimeout = null, string? magnetLink = null)
    {
        string qbittorrent = Tools.Require("qbittorrent-nox", "qbittorrent-nox");
        Tools.Require("curl", "curl");
        var seeder = new QbittorrentSeeder(ns, port, webPort);
        try
        {
            var timeout = readyTimeout ?? TimeSpan.FromSeconds(60);
            string profile = Path.Combine(seeder.WorkDir, "profile");
            string config = Path.Combine(profile, "qBittorrent", "config");
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "qBittorrent.conf"), Settings(port, webPort, Path.GetFullPath(dataDir)));
            seeder.StartProcess(qbittorrent, [$"--profile={profile}", $"--webui-port={webPort}"]);
            seeder.WaitUntil(() => seeder.Api("app/version").ExitCode == 0, timeout, "answering its Web API");
            string source = magnetLink is null ? $"torrents=@{Path.GetFullPath(torrentPath)}" : $"urls={magnetLink}";
            var added = seeder.Api("torrents/add", "-F", source, "-F", $"savepath={Path.GetFullPath(dataDir)}", "-F", "paused=false");
            if (added.ExitCode != 0 || !added.Output.Contains("Ok"))
                throw new InvalidOperationException($"qBittorrent refused the torrent: {added}");
            string[] seeding = ["\"state\":\"uploading\"", "\"state\":\"stalledUP\"", "\"state\":\"forcedUP\"", "\"state\":\"queuedUP\""];
            seeder.WaitUntil(() => seeder.Api("torrents/info").Output is var info && seeding.Any(info.Contains),
                timeout, "seeding (data checked)");
            seeder.WaitForHandshake(torrentPath, timeout);
            return seeder;
        }
        catch
        {
            seeder.Dispose();
            throw;
        }
    }

    /// <summary>Calls the Web API (inside the namespace), e.g. Api("torrents/info").</summary>
    public ProcessRunner.Result Api(string method, params string[] curlArgs) =>
        Namespace.Run("curl", ["-s", "-f", "-m", "10", .. curlArgs, $"http://127.0.0.1:{WebPort}/api/v2/{method}"], TimeSpan.FromSeconds(15));

    protected override void Stop()
    {
        Api("app/shutdown", "-X", "POST");
        base.Stop();
    }

    private static string Settings(int port, int webPort, string dataDir) => $"""
        [LegalNotice]
        Accepted=true

        [BitTorrent]
        Session\DHTEnabled=false
        Session\LSDEnabled=false
        Session\PeXEnabled=false
        Session\Port={port}
        Session\Interface=lo
        Session\InterfaceName=lo
        Session\InterfaceAddress=127.0.0.1
        Session\MultiConnectionsPerIp=true
        Session\Encryption=0
        Session\BTProtocol=TCP
        Session\QueueingSystemEnabled=false
        Session\GlobalMaxRatio=-1
        Session\GlobalMaxSeedingMinutes=-1
        Session\AddTrackersEnabled=false
        Session\DefaultSavePath={dataDir}
        Session\IgnoreLimitsOnLAN=true
        Session\MaxUploads=-1
        Session\MaxUploadsPerTorrent=-1

        [Network]
        PortForwardingEnabled=false

        [Preferences]
        Connection\ResolvePeerCountries=false
        General\Locale=en
        WebUI\Address=127.0.0.1
        WebUI\Port={webPort}
        WebUI\LocalHostAuth=false
        WebUI\CSRFProtection=false
        WebUI\HostHeaderValidation=false
        WebUI\UseUPnP=false
        """;
}
