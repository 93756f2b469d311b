using System.Net;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker;

/// <summary>
/// Announces to one HTTP(S) tracker (BEP 3): a GET with a hand-built query string, a bencoded answer.
/// The body is read up to <see cref="TrackerOptions.MaxResponseBytes"/>; the whole exchange is bounded by
/// <see cref="TrackerOptions.HttpTimeout"/>. A tracker id the tracker hands out is sent back on later announces.
/// </summary>
public sealed class HttpTrackerClient : ITrackerClient
{
    /// <summary>Sent unless the HttpClient has its own: client name and the version of <see cref="PeerId.ClientPrefix"/>.</summary>
    public const string UserAgent = "MeTorrent/0.0.1";

    private readonly HttpClient _http;
    private readonly TrackerOptions _options;
    private string? _trackerId;

    /// <param name="announce">the announce URL, e.g. http://tracker.example/announce?passkey=abc</param>
    /// <param name="http">a shared HttpClient (its own Timeout is not relied on)</param>
    /// <param name="options">time-out and body limit; defaults when null</param>
    public HttpTrackerClient(Uri announce, HttpClient http, TrackerOptions? options = null)
    {
        if (announce.Scheme is not ("http" or "https"))
            throw new ArgumentException($"not an HTTP tracker: {announce}", nameof(announce));
        Announce = announce;
        _http = http;
        _options = options ?? new TrackerOptions();
    }

    public Uri Announce { get; }

    private string Name => Announce.OriginalString;

    public async Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken ct)
    {
        string url = AnnounceQuery.Build(Announce.OriginalString, request, _trackerId);
        // Send the query exactly as built: no unescaping of the %XX bytes of the info hash.
        var uri = new Uri(url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.HttpTimeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, uri);
            if (_http.DefaultRequestHeaders.UserAgent.Count == 0)
                message.Headers.TryAddWithoutValidation("User-Agent", UserAgent); // some trackers refuse anonymous clients
            using var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            byte[] body = await ReadBodyAsync(answer, timeout.Token);
            if (!answer.IsSuccessStatusCode)
                throw FailedStatus(answer, body);
            var response = HttpAnnounceResponseParser.Parse(Name, body);
            if (response.TrackerId is { Length: > 0 } id)
                _trackerId = id;
            return response;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TrackerException(Name, $"no answer within {_options.HttpTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new TrackerException(Name, Describe(e), e);
        }
        catch (IOException e)
        {
            throw new TrackerException(Name, $"connection failed: {e.Message}", e);
        }
    }

    /// <summary>Reads at most MaxResponseBytes; a longer body is an error, never buffered whole.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        int limit = _options.MaxResponseBytes;
        if (answer.Content.Headers.ContentLength is long declared && declared > limit)
            throw TooBig();
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        // Start with the declared size (or 16 KiB), grow by doubling, never past limit + 1 (which proves "too big").
        var buffer = new byte[(int)Math.Min(answer.Content.Headers.ContentLength ?? 16384, limit) + 1];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length > limit)
                    throw TooBig();
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1L));
            }
            int read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
                break;
            filled += read;
        }
        if (filled > limit)
            throw TooBig();
        return buffer[..filled];
    }

    private TrackerException TooBig() =>
        new(Name, $"answered more than {_options.MaxResponseBytes} bytes, far more than an announce response needs");

    /// <summary>An HTTP error status; a bencoded failure reason in the body is the better message when there is one.</summary>
    private TrackerException FailedStatus(HttpResponseMessage answer, byte[] body)
    {
        try
        {
            HttpAnnounceResponseParser.Parse(Name, body);
        }
        catch (TrackerException refusal) when (refusal.IsRefusal)
        {
            return refusal;
        }
        catch (TrackerException)
        {
            // Not bencode: the status line says it best.
        }
        return new TrackerException(Name, $"HTTP {(int)answer.StatusCode} {answer.ReasonPhrase}".TrimEnd());
    }

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => "connection refused",
        System.Net.Sockets.SocketException s => s.Message,
        _ when e.HttpRequestError == HttpRequestError.NameResolutionError => "host name not found",
        _ when e.StatusCode is HttpStatusCode status => $"HTTP {(int)status}",
        _ when e.HttpRequestError == HttpRequestError.ResponseEnded => "closed the connection without a complete answer",
        _ when e.InnerException is IOException io => $"connection failed: {io.Message}",
        _ => e.Message,
    };
}
