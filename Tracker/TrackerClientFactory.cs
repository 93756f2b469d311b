namespace MeTorrent.Tracker;

/// <summary>Picks the client for an announce URL by its scheme: http/https (BEP 3) or udp (BEP 15).</summary>
public static class TrackerClientFactory
{
    /// <exception cref="TrackerException">the URL is not absolute or its scheme is not one we speak</exception>
    public static ITrackerClient Create(string url, HttpClient http, TrackerOptions? options = null)
    {
        options ??= new TrackerOptions();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new TrackerException(url, "not a valid URL");
        return uri.Scheme switch
        {
            "http" or "https" => new HttpTrackerClient(uri, http, options),
            "udp" => new UdpTrackerClient(uri, options.Udp),
            _ => throw new TrackerException(url, $"unsupported tracker protocol \"{uri.Scheme}\" (http, https and udp are supported)"),
        };
    }
}
