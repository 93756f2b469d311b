using System.Diagnostics;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker.Dht;

/// <summary>
/// A libtorrent DHT node (Support/Seeders/lt_dht.py under Debian's python3) in a network namespace, on
/// 127.0.0.1:<see cref="Port"/>. It reports what it sees, line by line, in a status file: its routing
/// table ("TABLE ip:port"), the peers its get_peers lookups find ("PEER hash ip:port").
/// </summary>
public sealed class LibtorrentDhtNode
{
    private readonly string _status;

    private LibtorrentDhtNode(int port, string status) => (Port, _status) = (port, status);

    public int Port { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    /// <param name="options">--bootstrap 127.0.0.1:P, --announce HASH, --get-peers HASH</param>
    public static LibtorrentDhtNode Start(NetworkNamespace ns, string folder, int port, params string[] options)
    {
        Tools.RequireLibtorrent();
        string status = Path.Combine(folder, $"lt-dht-{port}.txt");
        string script = Path.Combine(AppContext.BaseDirectory, "Support", "Seeders", "lt_dht.py");
        ns.Start(Tools.SystemPython, [script, port.ToString(), status, .. options]);
        var node = new LibtorrentDhtNode(port, status);
        node.WaitFor("READY", TimeSpan.FromSeconds(30));
        return node;
    }

    public IReadOnlyList<string> Lines => File.Exists(_status) ? File.ReadAllLines(_status) : [];

    public bool Saw(string line) => Lines.Contains(line);

    /// <summary>Waits until the status file holds <paramref name="line"/>; fails with the file's tail otherwise.</summary>
    public void WaitFor(string line, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Saw(line))
                return;
            Thread.Sleep(200);
        }
        Assert.Fail($"libtorrent on {EndPoint} never reported \"{line}\" within {timeout.TotalSeconds} s; it said:\n{string.Join("\n", Lines.Distinct().TakeLast(20))}");
    }
}
