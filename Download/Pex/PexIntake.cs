using System.Net;
using System.Net.Sockets;
using MeTorrent.Peer;

namespace MeTorrent.Download.Pex;

/// <summary>
/// What we take from one peer's ut_pex messages (BEP 11), bounded as mainstream clients do, so a peer cannot
/// flood our peer list: at most 50 added peers per message (<see cref="PexMessage.Decode"/> keeps no more),
/// at most 200 per peer in any hour, and messages closer together than 45 s (BEP 11 allows one a minute)
/// are ignored. Addresses that cannot be a peer (unspecified, multicast, broadcast, port 0) are skipped.
/// Nothing at all for a private torrent (BEP 27). One per connection; pure, the caller passes the time.
/// </summary>
public sealed class PexIntake
{
    public const int MaxPerHour = 200;
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(45);

    private readonly bool _private;
    private readonly Queue<DateTime> _takenLastHour = new();
    private DateTime? _lastMessage;

    public PexIntake(bool isPrivateTorrent) => _private = isPrivateTorrent;

    /// <summary>Messages ignored for coming too soon after the previous one.</summary>
    public int IgnoredMessages { get; private set; }

    /// <summary>Peers left out because of the hourly limit.</summary>
    public int OverLimit { get; private set; }

    /// <summary>The new addresses to try from <paramref name="message"/>.</summary>
    public IReadOnlyList<IPEndPoint> Take(PexMessage message, DateTime now)
    {
        if (_private)
            return [];
        if (_lastMessage is { } last && now - last < MinimumGap)
        {
            IgnoredMessages++;
            return [];
        }
        _lastMessage = now;
        while (_takenLastHour.TryPeek(out var taken) && now - taken >= TimeSpan.FromHours(1))
            _takenLastHour.Dequeue();
        var result = new List<IPEndPoint>();
        foreach (var peer in message.Added.Take(PexMessage.MaxPeersPerMessage).Select(p => p.EndPoint).Where(IsDialable).Distinct())
        {
            if (_takenLastHour.Count >= MaxPerHour)
            {
                OverLimit++;
                continue;
            }
            _takenLastHour.Enqueue(now);
            result.Add(peer);
        }
        return result;
    }

    private static bool IsDialable(IPEndPoint peer)
    {
        var address = peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address;
        if (peer.Port == 0 || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return false;
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? !address.IsIPv6Multicast : address.GetAddressBytes()[0] is < 224 and not 0;
    }
}
