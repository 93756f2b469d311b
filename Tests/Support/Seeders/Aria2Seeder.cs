namespace MeTorrent.Tests.Support.Seeders;

/// <summary>
/// aria2 seeding a torrent forever (<c>--seed-ratio=0.0</c>) without checking the data first:
/// <c>using var seeder = Aria2Seeder.Start(ns, torrentPath, dataDir, 6882);</c>
/// It answers a handshake about 1 s late. DHT, LPD and PEX are off; it still tries the torrent's
/// trackers, which is harmless in a namespace with only loopback.
/// </summary>
public sealed class Aria2Seeder : Seeder
{
    private Aria2Seeder(NetworkNamespace ns, int port) : base(ns, port) { }

    public override string PeerIdPrefix => "A2-";

    public static Aria2Seeder Start(NetworkNamespace ns, string torrentPath, string dataDir, int port = 6882, TimeSpan? readyTimeout = null)
    {
        string aria2c = Tools.Require("aria2c", "aria2");
        var seeder = new Aria2Seeder(ns, port);
        try
        {
            seeder.StartProcess(aria2c,
            [
                $"--dir={Path.GetFullPath(dataDir)}", "--seed-ratio=0.0", "--bt-seed-unverified=true", "--check-integrity=false",
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                $"--listen-port={port}", "--interface=127.0.0.1", "--disable-ipv6=true",
                "--max-overall-upload-limit=0", "--max-upload-limit=0", "--file-allocation=none",
                "--auto-save-interval=0", "--bt-save-metadata=false", "--summary-interval=0",
                "--console-log-level=notice", $"--log={Path.Combine(seeder.WorkDir, "aria2.log")}", "--log-level=info",
                Path.GetFullPath(torrentPath),
            ]);
            seeder.WaitForHandshake(torrentPath, readyTimeout ?? TimeSpan.FromSeconds(30));
            return seeder;
        }
        catch
        {
            seeder.Dispose();
            throw;
        }
    }
}
