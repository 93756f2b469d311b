using System.Net;
using System.Net.Sockets;

namespace MeTorrent.Tracker.Dht;

/// <summary>A DHT node as others describe it: its id and the UDP address it answers on.</summary>
public sealed record NodeContact(NodeId Id, IPEndPoint EndPoint)
{
    /// <summary>
    /// False for an address no honest node can have: port 0, the unspecified address, broadcast or
    /// multicast. Such entries in a "nodes" list are dropped (sending there is at best useless, at worst
    /// an attack on someone else), and a node that hands them out is not trusted.
    /// </summary>
    public static bool IsUsable(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (endPoint.Port == 0 || address.AddressFamily != AddressFamily.InterNetwork)
            return false;
        var bytes = address.GetAddressBytes();
        return !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast) && bytes[0] is < 224;
    }

    public override string ToString() => $"{EndPoint} ({Id.ToString()[..8]}…)";
}
