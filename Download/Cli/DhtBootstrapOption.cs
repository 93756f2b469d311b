using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `--dht-bootstrap host:port` (repeatable): the nodes a DHT node joins through. An IP address is used
/// as given; a host name is looked up (the user named it); the word `public` stands for the well-known
/// routers of the public DHT (<see cref="PublicRouters"/>), looked up only then. Nothing is ever a default.
/// </summary>
public static class DhtBootstrapOption
{
    public const string Name = "--dht-bootstrap";

    public static async Task<List<IPEndPoint>> ResolveAsync(IReadOnlyList<string> values, CancellationToken ct)
    {
        var endPoints = new List<IPEndPoint>();
        foreach (string value in values)
        {
            if (value == "public")
            {
                foreach (var (host, port) in PublicRouters.All)
                    endPoints.AddRange(await LookUpAsync(host, port, value, required: false, ct));
                continue;
            }
            int colon = value.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int portNumber)
                || portNumber is < 1 or > 65535)
                throw new UserError($"{Name} takes host:port (or the word public), not \"{value}\"");
            string hostPart = value[..colon];
            if (IPAddress.TryParse(hostPart, out _))
                endPoints.Add(PeerAddress.Parse(value)); // the strict ip:port rules of --peer
            else
                endPoints.AddRange(await LookUpAsync(hostPart, portNumber, value, required: true, ct));
        }
        return endPoints.Distinct().ToList();
    }

    private static async Task<IEnumerable<IPEndPoint>> LookUpAsync(string host, int port, string asGiven, bool required, CancellationToken ct)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, ct);
            return addresses.Select(a => new IPEndPoint(a, port));
        }
        catch (SocketException e) when (required)
        {
            throw new UserError($"{Name} {asGiven}: cannot look up {host}: {e.Message}");
        }
        catch (SocketException)
        {
            return []; // one public router down or unknown: the others will do
        }
    }
}
