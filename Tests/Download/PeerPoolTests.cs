using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>The addresses the engine knows and dials.</summary>
[Stage(5)]
public class PeerPoolTests
{
    [Test]
    public void APeerThatDialledUsIsForgottenWhenItLeavesUnlessBanned()
    {
        var pool = new PeerPool(TimeSpan.FromSeconds(1));
        pool.Add(new IPEndPoint(IPAddress.Loopback, 6881));
        for (int port = 40000; port < 40100; port++)   // one peer reconnecting, from a new ephemeral port each time
        {
            var record = pool.AddIncoming(new IPEndPoint(IPAddress.Loopback, port));
            pool.Disconnected(record, useful: true);
        }
        Assert.That(pool.Count, Is.EqualTo(1), "only the dialable address is remembered");
        Assert.That(pool.TakeCandidates(10).Select(r => r.EndPoint.Port), Is.EqualTo(new[] { 6881 }));

        var liar = pool.AddIncoming(new IPEndPoint(IPAddress.Loopback, 50000));
        liar.IsBanned = true;
        pool.Disconnected(liar, useful: false);
        Assert.That(pool.Banned(), Is.EqualTo(new[] { liar.EndPoint }), "a banned peer stays on the list");
    }
}
