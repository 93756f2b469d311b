using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>
/// A misbehaving HTTP tracker on 127.0.0.1 for failure tests: for every connection it reads the request
/// head, records the request target, and answers with whatever <c>respond</c> returns — raw bytes written
/// as they are (status line and all), or null to say nothing and hold the connection open (a time-out).
/// </summary>
public sealed class FakeHttpTracker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _targets = new();
    private readonly List<Task> _connections = [];
    private readonly Task _loop;

    public FakeHttpTracker(Func<string, byte[]?> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public string AnnounceUrl => $"http://127.0.0.1:{Port}/announce";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Request targets (path and query) in the order they arrived.</summary>
    public IReadOnlyList<string> Requests => _targets.ToArray();

    /// <summary>An HTTP/1.1 response with the given status and body.</summary>
    public static byte[] Response(string status, byte[] body, bool declareLength = true)
    {
        string head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\n"
            + (declareLength ? $"Content-Length: {body.Length}\r\n" : "")
            + "Connection: close\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    public static byte[] Ok(string body) => Response("200 OK", Encoding.Latin1.GetBytes(body));

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                return;
            }
            lock (_connections)
                _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n"))
            {
                int read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    return;
                head.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
            string target = head.ToString().Split(' ')[1];
            _targets.Enqueue(target);
            byte[]? answer = _respond(target);
            if (answer is null)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token); // never answer
                return;
            }
            await stream.WriteAsync(answer, _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        Task[] connections;
        lock (_connections)
            connections = [.. _connections];
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
