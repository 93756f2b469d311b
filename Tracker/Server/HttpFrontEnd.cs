using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeTorrent.Tracker.Server;

/// <summary>
/// The HTTP side of the tracker, on a plain <see cref="TcpListener"/>: one GET per connection, answered
/// with a bencoded body and closed. Hand-rolled rather than HttpListener so that port 0 works and nothing
/// depends on the platform's HTTP stack. Requests are bounded in size and time.
/// </summary>
internal sealed class HttpFrontEnd : IAsyncDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Swarms _swarms;
    private readonly TrackerServerOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly Task _acceptLoop;

    public HttpFrontEnd(TcpListener listener, Swarms swarms, TrackerServerOptions options)
    {
        _listener = listener;
        _swarms = swarms;
        _options = options;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                continue; // a connection that died before we accepted it
            }
            var task = ServeAsync(client);
            _running[task] = true;
            _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    /// <summary>Answers one request; never throws (a broken client only loses its own connection).</summary>
    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var stream = client.GetStream();
            string? target = await ReadRequestTargetAsync(stream, timeout.Token);
            var from = ((IPEndPoint)client.Client.RemoteEndPoint!).Address;
            var (status, body) = Answer(target, from);
            await WriteResponseAsync(stream, status, body, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or was too slow; nothing to answer.
        }
    }

    private (string Status, byte[] Body) Answer(string? target, IPAddress from)
    {
        if (target is null)
            return ("400 Bad Request", HttpAnnounceAnswer.Failure("malformed HTTP request"));
        int question = target.IndexOf('?');
        string path = question < 0 ? target : target[..question];
        string query = question < 0 ? "" : target[(question + 1)..];
        if (path != "/announce")
            return ("404 Not Found", HttpAnnounceAnswer.Failure($"no such path {path} (announce at /announce)"));
        if (!HttpAnnounceParser.TryParse(query, from, out var parsed, out string failure))
        {
            _options.Log?.Invoke($"http {from}: refused: {failure}");
            // BEP 3: a failure reason comes in an ordinary 200 answer, which every client reads.
            return ("200 OK", HttpAnnounceAnswer.Failure(failure));
        }
        var answer = _swarms.Announce(parsed!.Announce);
        if (answer is null)
            return ("200 OK", HttpAnnounceAnswer.Failure(Swarms.FullMessage));
        _options.Log?.Invoke($"http {parsed.Announce.Summary} -> {answer.Peers.Count} peers");
        return ("200 OK", HttpAnnounceAnswer.Success(answer, _options, parsed.Compact, parsed.NoPeerId));
    }

    /// <summary>Reads up to the blank line that ends the headers; returns the request target of a GET, or null.</summary>
    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxRequestBytes];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
                return null; // headers too long
            int read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
                return null;
            filled += read;
            if (buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, filled).IndexOf("\n\n"u8) >= 0)
                break;
        }
        string head = Encoding.ASCII.GetString(buffer, 0, filled);
        string requestLine = head[..head.IndexOf('\n')].TrimEnd('\r');
        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0] != "GET" || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return null;
        return parts[1];
    }

    private static async Task WriteResponseAsync(NetworkStream stream, string status, byte[] body, CancellationToken ct)
    {
        string head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        await stream.WriteAsync(body, ct);
        await stream.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_running.Keys);
        _stop.Dispose();
    }
}
