namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// transmission-daemon 3.00 seeding a torrent, added over RPC with transmission-remote:
/// <c>using var seeder = TransmissionSeeder.Start(ns, torrentPath, dataDir, 51413);</c>
/// Returns once it has verified the data and seeds. Loopback quirks to plan for: it unchokes only on its
/// 10 s rechoke timer; it never dials 127.0.0.1 peers itself (but accepts them); it keeps one
/// connection per IP and drops a new one that comes less than ~1 s after the last closed; once a
/// 127.0.0.1 peer has the whole torrent it treats every 127.0.0.1 peer as a seed.
/// </summary>
public sealed class TransmissionSeeder : Seeder
{
    private TransmissionSeeder(NetworkNamespace ns, int port, int rpcPort) : base(ns, port) => RpcPort = rpcPort;

    public override string PeerIdPrefix => "-TR";

    public int RpcPort { get; }

    /// <summary>How long to wait between two connections from 127.0.0.1 (it drops quicker reconnections).</summary>
    public static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(2);

    public static TransmissionSeeder Start(NetworkNamespace ns, string torrentPath, string dataDir, int port = 51413,
        int rpcPort = 9091, TimeSpan? readyTimeout = null, bool probeHandshake = true, bool requireEncryption = false)
    {
        string daemon = Tools.Require("transmission-daemon", "transmission-daemon");
        Tools.Require("transmission-remote", "transmission-cli");
        var seeder = new TransmissionSeeder(ns, port, rpcPort);
        try
        {
            var timeout = readyTimeout ?? TimeSpan.FromSeconds(60);
            string config = Path.Combine(seeder.WorkDir, "config");
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "settings.json"), Settings(port, rpcPort, Path.GetFullPath(dataDir), requireEncryption));
            seeder.StartProcess(daemon, ["--foreground", "--config-dir", config, "--log-info"]);
            seeder.WaitUntil(() => seeder.Remote("-l").ExitCode == 0, timeout, "answering RPC");
            var added = seeder.Remote("-a", Path.GetFullPath(torrentPath), "--download-dir", Path.GetFullPath(dataDir));
            if (added.ExitCode != 0)
                throw new InvalidOperationException($"transmission-remote -a failed: {added}");
            // It verifies the data it finds in the download folder, then seeds.
            seeder.WaitUntil(() =>
            {
                string info = seeder.Remote("-t", "all", "-i").Output;
                return info.Contains("Percent Done: 100%") && (info.Contains("State: Seeding") || info.Contains("State: Idle"));
            }, timeout, "seeding (verified 100%)");
            // A Transmission that downloaded from a 127.0.0.1 seed treats every 127.0.0.1 peer as a seed from
            // then on and closes their handshakes, the probe's too: such a caller passes probeHandshake: false.
            // The probe's handshake is plain, which one that requires encryption closes unanswered.
            if (!probeHandshake || requireEncryption)
                return seeder;
            seeder.WaitForHandshake(torrentPath, timeout);
            // The probe was a connection from 127.0.0.1; Transmission drops the next one from the same IP
            // if it comes within about a second.
            Thread.Sleep(ReconnectPause);
            return seeder;
        }
        catch
        {
            seeder.Dispose();
            throw;
        }
    }

    /// <summary>Runs transmission-remote against this daemon's RPC port (inside the namespace).</summary>
    public ProcessRunner.Result Remote(params string[] args) =>
        Namespace.Run("transmission-remote", [$"127.0.0.1:{RpcPort}", .. args], TimeSpan.FromSeconds(15));

    protected override void Stop()
    {
        Remote("--exit");
        base.Stop();
    }

    /// <summary>
    /// Every discovery mechanism and limit off, RPC on 127.0.0.1 without a password. Encryption 1 is Transmission's
    /// default ("preferred": plain handshakes taken too), 2 "required" (only encrypted handshakes, RC4 streams).
    /// </summary>
    private static string Settings(int port, int rpcPort, string dataDir, bool requireEncryption) => $$"""
        {
          "bind-address-ipv4": "127.0.0.1",
          "bind-address-ipv6": "::1",
          "peer-port": {{port}},
          "peer-port-random-on-start": false,
          "rpc-enabled": true,
          "rpc-bind-address": "127.0.0.1",
          "rpc-port": {{rpcPort}},
          "rpc-authentication-required": false,
          "rpc-whitelist-enabled": true,
          "rpc-whitelist": "127.0.0.1",
          "rpc-host-whitelist-enabled": false,
          "dht-enabled": false,
          "lpd-enabled": false,
          "pex-enabled": false,
          "utp-enabled": false,
          "port-forwarding-enabled": false,
          "blocklist-enabled": false,
          "encryption": {{(requireEncryption ? 2 : 1)}},
          "speed-limit-up-enabled": false,
          "speed-limit-down-enabled": false,
          "alt-speed-enabled": false,
          "ratio-limit-enabled": false,
          "idle-seeding-limit-enabled": false,
          "download-queue-enabled": false,
          "seed-queue-enabled": false,
          "queue-stalled-enabled": false,
          "download-dir": "{{dataDir}}",
          "incomplete-dir-enabled": false,
          "watch-dir-enabled": false,
          "start-added-torrents": true,
          "rename-partial-files": false,
          "message-level": 2,
          "umask": 18
        }
        """;
}
