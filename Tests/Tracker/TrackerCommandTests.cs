using System.Text.RegularExpressions;
using MeTorrent.Download;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Tracker.Fakes;
using MeTorrent.Tracker;
using NUnit.Framework;

namespace MeTorrent.Tests.Tracker;

/// <summary>`metorrent tracker`, run in-process on a free port until cancelled.</summary>
[Stage(3)]
public class TrackerCommandTests
{
    [Test]
    public async Task ServesAnnouncesUntilStopped()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = Program.RunAsync(["tracker", "--port", "0"], output, errors, stop.Token);

        string? url = null;
        for (int i = 0; i < 100 && url is null; i++)
        {
            await Task.Delay(50);
            url = Regex.Match(output.ToString(), @"tracker listening: (http://127\.0\.0\.1:\d+/announce) udp://").Groups[1].Value is { Length: > 0 } u ? u : null;
        }
        Assert.That(url, Is.Not.Null, $"no listening line in: {output}");

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var client = new HttpTrackerClient(new Uri(url!), http, TestRequests.PatientOptions);
        var infoHash = TestRequests.RandomInfoHash();
        await client.AnnounceAsync(TestRequests.Announce(7501, infoHash), CancellationToken.None);
        var response = await client.AnnounceAsync(TestRequests.Announce(7502, infoHash), CancellationToken.None);
        Assert.That(response.Peers.Select(p => p.Port), Is.EqualTo(new[] { 7501 }));

        stop.Cancel();
        Assert.That(await run, Is.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("127.0.0.1:7502").And.EndWith($"tracker stopped{Environment.NewLine}"));
        Assert.That(errors.ToString(), Is.Empty);
    }

    [Test]
    public async Task ATakenPortIsAUserError()
    {
        await using var busy = await TrackerServer.StartAsync(System.Net.IPAddress.Loopback, 0, CancellationToken.None);
        var errors = new StringWriter();
        int exit = await Program.RunAsync(["tracker", "--port", busy.HttpAnnounceUrl.Port.ToString()], new StringWriter(), errors, CancellationToken.None);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(errors.ToString(), Does.StartWith($"metorrent tracker: cannot listen on 127.0.0.1:{busy.HttpAnnounceUrl.Port}"));
    }
}
