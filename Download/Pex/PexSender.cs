using System.Net;
using MeTorrent.Peer;

namespace MeTorrent.Download.Pex;

/// <summary>
/// What we tell one peer through ut_pex (BEP 11): which of our connected peers it has not heard of from us
/// ("added", with flags) and which we told it about and are gone ("dropped"). One per connection; pure,
/// the caller passes the time. BEP 11 rules kept here: at most one message a minute, at most 50 added and
/// 50 dropped per message (the rest wait for the next one), nothing when nothing changed, the peer is never
/// told about itself. Never used for a private torrent (BEP 27): see <see cref="PexPolicy"/>.
/// </summary>
public sealed class PexSender
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IPEndPoint _recipient;
    private readonly Dictionary<IPEndPoint, PexFlags> _told = [];
    private DateTime? _lastSent;

    public PexSender(IPEndPoint recipient) => _recipient = recipient;

    /// <summary>
    /// The message to send now, given the peers we are connected to; null if a minute has not passed since
    /// the last one, or if there is no news. The peers in it count as told from now on.
    /// </summary>
    public PexMessage? Next(IReadOnlyCollection<PexPeer> connected, DateTime now)
    {
        if (_lastSent is { } last && now - last < Interval)
            return null;
        var current = connected.Where(p => !p.EndPoint.Equals(_recipient)).DistinctBy(p => p.EndPoint).ToList();
        var added = current.Where(p => !_told.ContainsKey(p.EndPoint)).Take(PexMessage.MaxPeersPerMessage).ToList();
        var present = current.Select(p => p.EndPoint).ToHashSet();
        var dropped = _told.Keys.Where(p => !present.Contains(p)).Take(PexMessage.MaxPeersPerMessage).ToList();
        if (added.Count == 0 && dropped.Count == 0)
            return null;
        foreach (var peer in added)
            _told[peer.EndPoint] = peer.Flags;
        foreach (var peer in dropped)
            _told.Remove(peer);
        _lastSent = now;
        return new PexMessage(added, dropped);
    }
}
