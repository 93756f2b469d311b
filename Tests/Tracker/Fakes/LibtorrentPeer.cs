using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>
/// A libtorrent client (python3-libtorrent under Debian's /usr/bin/python3) started in a network
/// namespace: it announces to the torrent's tracker and reports, line by line in a status file, each
/// tracker reply ("REPLY n" with n peers), tracker errors, and "COMPLETE" once it has every piece.
/// It keeps running (so the tracker keeps listing it) until the namespace is disposed.
/// </summary>
public sealed class LibtorrentPeer
{
    private const string Script = """
        import sys, time, libtorrent as lt
        torrent, save_dir, port, status_path, timeout = sys.argv[1:6]
        def report(line):
            with open(status_path, 'a') as f:
                f.write(line + '\n')
        # Only loopback, only TCP, nothing that looks for peers beyond the tracker.
        session = lt.session({
            'listen_interfaces': '127.0.0.1:' + port,
            'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
            'dht_bootstrap_nodes': '',
            'enable_incoming_utp': False, 'enable_outgoing_utp': False,
            'allow_multiple_connections_per_ip': True,
            'min_reconnect_time': 1,
            'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                          | lt.alert.category_t.tracker_notification,
        })
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent)
        params.save_path = save_dir
        handle = session.add_torrent(params)
        deadline = time.time() + float(timeout)
        complete = False
        while time.time() < deadline:
            session.wait_for_alert(200)
            for alert in session.pop_alerts():
                if isinstance(alert, lt.tracker_reply_alert):
                    report('REPLY %d' % alert.num_peers)
                elif isinstance(alert, lt.tracker_error_alert):
                    report('TRACKER-ERROR ' + alert.message())
            if not complete and handle.status().is_seeding:
                complete = True
                report('COMPLETE')
        report('TIMEOUT')
        """;

    private readonly string _statusPath;

    private LibtorrentPeer(string statusPath) => _statusPath = statusPath;

    /// <summary>Starts libtorrent on 127.0.0.1:<paramref name="port"/> in <paramref name="ns"/>, saving into <paramref name="saveDir"/>.</summary>
    public static LibtorrentPeer Start(NetworkNamespace ns, string torrent, string saveDir, int port, string workDir, TimeSpan lifetime)
    {
        Tools.RequireLibtorrent();
        string script = Path.Combine(workDir, "lt_announce.py");
        File.WriteAllText(script, Script);
        string status = Path.Combine(workDir, $"lt-{port}.status");
        File.WriteAllText(status, "");
        ns.Start(Tools.SystemPython, [script, torrent, saveDir, $"{port}", status, $"{lifetime.TotalSeconds}"]);
        return new LibtorrentPeer(status);
    }

    public IReadOnlyList<string> Status => File.ReadAllLines(_statusPath);

    /// <summary>Waits for a status line starting with <paramref name="prefix"/>; fails the test with every line seen otherwise.</summary>
    public string WaitFor(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Status.FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal)) is { } found)
                return found;
            Thread.Sleep(100);
        }
        Assert.Fail($"libtorrent never reported {prefix} within {timeout.TotalSeconds} s; it said: {string.Join(" | ", Status)}");
        return "";
    }
}
