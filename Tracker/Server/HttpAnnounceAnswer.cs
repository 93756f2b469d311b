using System.Net.Sockets;
using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Server;

/// <summary>The bencoded bodies the HTTP tracker answers with (BEP 3, BEP 23 compact peers, BEP 7 peers6).</summary>
internal static class HttpAnnounceAnswer
{
    public static byte[] Success(SwarmAnswer answer, TrackerServerOptions options, bool compact, bool noPeerId)
    {
        var body = new BDictionary
        {
            { "interval", new BInteger((long)options.Interval.TotalSeconds) },
            { "min interval", new BInteger((long)options.MinInterval.TotalSeconds) },
            { "complete", new BInteger(answer.Seeders) },
            { "incomplete", new BInteger(answer.Leechers) },
        };
        var endpoints = answer.Peers.Select(p => p.Endpoint).ToList();
        if (compact)
        {
            body.Add("peers", new BString(CompactPeers.Write(endpoints, AddressFamily.InterNetwork)));
            if (endpoints.Any(e => e.AddressFamily == AddressFamily.InterNetworkV6))
                body.Add("peers6", new BString(CompactPeers.Write(endpoints, AddressFamily.InterNetworkV6)));
        }
        else
        {
            // The original format: one dictionary per peer.
            var list = new BList();
            foreach (var peer in answer.Peers)
            {
                var entry = new BDictionary
                {
                    { "ip", new BString(peer.Endpoint.Address.ToString()) },
                    { "port", new BInteger(peer.Endpoint.Port) },
                };
                if (!noPeerId)
                    entry.Add("peer id", new BString(peer.PeerId));
                list.Add(entry);
            }
            body.Add("peers", list);
        }
        return BencodeEncoder.Encode(body);
    }

    public static byte[] Failure(string reason) =>
        BencodeEncoder.Encode(new BDictionary { { "failure reason", new BString(reason) } });
}
