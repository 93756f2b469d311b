using NUnit.Framework;

namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// Starts a third-party client seeding a torrent inside a <see cref="NetworkNamespace"/> and returns the
/// TCP port it listens on (on the namespace's 127.0.0.1) once it is ready to upload. The process lives
/// until the namespace is disposed. Every client runs with DHT, local peer discovery, peer exchange,
/// UPnP/NAT-PMP and rate limits off. <c>dataDirectory</c> is the folder that holds the torrent's file or
/// top folder; <c>workDirectory</c> receives configs and logs.
/// </summary>
public static class ThirdPartySeeders
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static int StartLibtorrent(NetworkNamespace ns, string torrent, string dataDirectory, string workDirectory)
    {
        Tools.RequireLibtorrent();
        const int port = 6881;
        string script = Path.Combine(workDirectory, "libtorrent_seed.py");
        string ready = Path.Combine(workDirectory, "libtorrent.ready");
        File.WriteAllText(script, LibtorrentSeedScript);
        var process = ns.Start(Tools.SystemPython, [script, torrent, dataDirectory, port.ToString(), ready]);
        WaitUntil(() => File.Exists(ready), () => process.HasExited, "libtorrent to check the data and seed");
        return port;
    }

    public static int StartAria2(NetworkNamespace ns, string torrent, string dataDirectory, string workDirectory)
    {
        string aria2c = Tools.Require("aria2c", "aria2");
        const int port = 6882;
        // --seed-ratio=0.0 seeds for ever; --bt-seed-unverified trusts the data without hashing it.
        ns.Start(aria2c,
        [
            $"--dir={dataDirectory}", "--seed-ratio=0.0", "--bt-seed-unverified=true", "--check-integrity=false",
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            $"--listen-port={port}", "--interface=127.0.0.1", "--disable-ipv6=true", "--file-allocation=none",
            "--bt-save-metadata=false", "--auto-save-interval=0", "--summary-interval=0",
            $"--log={Path.Combine(workDirectory, "aria2.log")}", "--log-level=info", torrent,
        ]);
        ns.WaitForTcpPort(port, ReadyTimeout);
        return port;
    }

    /// <summary>
    /// Transmission 3 never dials 127.0.0.1 peers and, once any 127.0.0.1 peer is complete, refuses every
    /// other one; it does accept one incoming 127.0.0.1 downloader, which is all a test needs.
    /// </summary>
    public static int StartTransmission(NetworkNamespace ns, string torrent, string dataDirectory, string workDirectory)
    {
        string daemon = Tools.Require("transmission-daemon", "transmission-daemon");
        string remote = Tools.Require("transmission-remote", "transmission-cli");
        const int port = 51413, rpcPort = 9091;
        string config = Path.Combine(workDirectory, "transmission");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "settings.json"), $$"""
            {
              "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
              "peer-port": {{port}}, "peer-port-random-on-start": false,
              "rpc-enabled": true, "rpc-bind-address": "127.0.0.1", "rpc-port": {{rpcPort}},
              "rpc-authentication-required": false, "rpc-whitelist": "127.0.0.1", "rpc-host-whitelist-enabled": false,
              "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
              "port-forwarding-enabled": false, "blocklist-enabled": false,
              "speed-limit-up-enabled": false, "alt-speed-enabled": false, "ratio-limit-enabled": false,
              "idle-seeding-limit-enabled": false, "seed-queue-enabled": false, "download-queue-enabled": false,
              "download-dir": "{{dataDirectory}}", "incomplete-dir-enabled": false, "watch-dir-enabled": false,
              "start-added-torrents": true, "rename-partial-files": false, "message-level": 2
            }
            """);
        var process = ns.Start(daemon, ["-f", "-g", config]);
        ns.WaitForTcpPort(rpcPort, ReadyTimeout);
        string rpc = $"127.0.0.1:{rpcPort}";
        var added = ns.Run(remote, [rpc, "-a", torrent, "--download-dir", dataDirectory], TimeSpan.FromSeconds(30));
        Assert.That(added.ExitCode, Is.Zero, $"transmission-remote -a failed: {added}");
        // It verifies the data after the add; it uploads once the torrent is 100 % and seeding.
        WaitUntil(() =>
        {
            string info = ns.Run(remote, [rpc, "-t", "all", "-i"], TimeSpan.FromSeconds(10)).Output;
            return info.Contains("Percent Done: 100%") && (info.Contains("State: Seeding") || info.Contains("State: Idle"));
        }, () => process.HasExited, "Transmission to verify the data and seed");
        ns.WaitForTcpPort(port, ReadyTimeout);
        return port;
    }

    private static void WaitUntil(Func<bool> ready, Func<bool> died, string what)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (!ready())
        {
            if (died())
                Assert.Fail($"the seeder exited while waiting for {what}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {ReadyTimeout.TotalSeconds} s waiting for {what}");
            Thread.Sleep(100);
        }
    }

    // Several connections per IP are allowed because every peer of a loopback swarm is 127.0.0.1
    // (libtorrent keeps one per IP by default). DHT, LSD, UPnP and NAT-PMP are off from the start.
    private const string LibtorrentSeedScript = """
        import signal, sys, time
        import libtorrent as lt

        torrent, data_dir, port, ready_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
        session = lt.session({
            'listen_interfaces': '127.0.0.1:%d' % port,
            'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
            'enable_incoming_utp': False, 'enable_outgoing_utp': False,
            'allow_multiple_connections_per_ip': True,
        })
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent)
        params.save_path = data_dir
        handle = session.add_torrent(params)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        announced = False
        while True:
            status = handle.status()
            if status.errc.value():
                sys.exit('libtorrent: ' + status.errc.message())
            if status.is_seeding and not announced:
                open(ready_file, 'w').write('seeding\n')
                announced = True
            time.sleep(0.1)
        """;
}
