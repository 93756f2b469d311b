using System.Net;
using System.Net.Sockets;
using System.Text;
using MeTorrent.Tests.Support;
using MeTorrent.Tests.Support.Seeders;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`metorrent peers` against trackers that hang up or answer rubbish: one line that says what went wrong.</summary>
[Stage(3)]
public class FailingTrackerTests
{
    private string _folder = null!;

    [SetUp]
    public void MakeFolder() => _folder = Path.Combine(Path.GetTempPath(), $"mt-bad-tracker-{Guid.NewGuid():N}");

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase(null, null, "closed the connection without a complete answer")]
    [TestCase("200 OK", "<html>hello</html>", "answered something that is not bencode")]
    [TestCase("200 OK", "", "answered with an empty body")]
    [TestCase("500 Oops", "", "HTTP 500 Oops")]
    [TestCase("200 OK", "d14:failure reason11:not allowede", "refused the announce: not allowed")]
    [TestCase("200 OK", "d8:intervali60e5:peers5:abcdee", "a compact IPv4 peer list is a multiple of 6 bytes long, not 5")]
    public async Task TheTrackersFaultIsOneLine(string? status, string? body, string expected)
    {
        string? answer = status is null ? null : $"HTTP/1.1 {status}\r\nContent-Length: {body!.Length}\r\nConnection: close\r\n\r\n{body}";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serving = ServeAsync(listener, answer, stop.Token);
        string url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/announce";
        string torrent = TestTorrent.Create(20_000, 16384, announce: url).WriteTo(_folder);

        var result = await CliRunner.RunAsync("peers", torrent);
        stop.Cancel();
        await serving;
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Errors, Does.StartWith($"metorrent peers: tracker {url}: ").And.Contain(expected));
        Assert.That(result.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Output, Is.Empty);
    }

    /// <summary>Answers every connection the same way (HttpClient retries a connection closed early) until stopped.</summary>
    private static async Task ServeAsync(TcpListener listener, string? answer, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                await AnswerAsync(client.GetStream(), answer, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads one request, then sends <paramref name="answer"/> (or nothing) and hangs up.</summary>
    private static async Task AnswerAsync(NetworkStream stream, string? answer, CancellationToken stop)
    {
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n"))
        {
            int read = await stream.ReadAsync(buffer, stop);
            if (read == 0) return;
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        if (answer is not null)
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), stop);
    }
}
