namespace MeTorrent.Tracker.Dht;

/// <summary>
/// The well-known bootstrap routers of the public mainline DHT. Used only when the user asks for them
/// (`--dht-bootstrap public`): never a default, never in a test, never resolved otherwise.
/// </summary>
public static class PublicRouters
{
    public static IReadOnlyList<(string Host, int Port)> All { get; } =
    [
        ("router.bittorrent.com", 6881),
        ("router.utorrent.com", 6881),
        ("dht.transmissionbt.com", 6881),
        ("dht.libtorrent.org", 25401),
    ];
}
