using System.Net;
using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// Answers the four queries of BEP 5 from our routing table and peer store. Pure bookkeeping, no socket:
/// <see cref="Answer"/> maps a query and its sender to the message to send back.
/// get_peers hands out a token for the sender's IP; announce_peer stores the peer only with a valid
/// token. Every answer is at most <see cref="DhtLimits.MaxAmplification"/> times the query's length,
/// so a forged sender address cannot turn us into an amplifier.
/// </summary>
/// A querying node is not added to the routing table (a query proves nothing); <paramref name="onUnknownSender"/>
/// hears of it, so that the node can ping it and add it if it answers.
public sealed class QueryResponder(RoutingTable table, PeerStore peers, TokenIssuer tokens, DhtLimits limits,
    Action<NodeContact>? onUnknownSender = null)
{
    private NodeId Self => table.Self;

    /// <param name="queryLength">the datagram's length in bytes, which bounds the answer's</param>
    /// <returns>the answer, or null if no answer fits the amplification bound</returns>
    public KrpcMessage? Answer(KrpcMessage query, IPEndPoint from, int queryLength)
    {
        int budget = limits.MaxAmplification * queryLength;
        KrpcMessage answer;
        try
        {
            answer = Respond(query, from, budget);
        }
        catch (FormatException e)
        {
            answer = KrpcMessage.Error(query.TransactionId, KrpcErrorCode.Protocol, e.Message.Length <= 40 ? e.Message : "invalid arguments");
        }
        return KrpcCodec.Encode(answer).Length <= budget ? answer : null;
    }

    private KrpcMessage Respond(KrpcMessage query, IPEndPoint from, int budget)
    {
        var sender = new NodeContact(DhtFields.Id(query.Body), from);
        if (!table.RecordQueryFrom(sender) && sender.Id != Self)
            onUnknownSender?.Invoke(sender);
        var t = query.TransactionId;
        switch (query.Method)
        {
            case DhtQueries.Ping:
                return KrpcMessage.Response(t, IdOnly());
            case DhtQueries.FindNode:
            {
                var target = DhtFields.Id(query.Body, "target");
                return Fit(t, budget, n => WithNodes(IdOnly(), table.Closest(target, n)), RoutingTable.K);
            }
            case DhtQueries.GetPeers:
            {
                var infoHash = DhtFields.Id(query.Body, "info_hash");
                var token = new BString(tokens.Issue(from.Address));
                var known = peers.Get(infoHash, limits.MaxValuesPerAnswer);
                if (known.Count > 0)
                    return Fit(t, budget, n => new BDictionary
                    {
                        { "id", new BString(Self.ToArray()) },
                        { "token", token },
                        { "values", new BList(known.Take(n).Select(p => new BString(CompactPeers.Write([p], p.AddressFamily)))) },
                    }, known.Count);
                return Fit(t, budget, n => WithNodes(new BDictionary { { "id", new BString(Self.ToArray()) }, { "token", token } },
                    table.Closest(infoHash, n)), RoutingTable.K);
            }
            case DhtQueries.AnnouncePeer:
            {
                var infoHash = DhtFields.Id(query.Body, "info_hash");
                var token = DhtFields.Token(query.Body) ?? throw new FormatException("no token");
                if (!tokens.IsValid(token.Span, from.Address))
                    throw new FormatException("bad token");
                // BEP 5: with implied_port the peer's port is the one this datagram came from.
                int port = DhtFields.ImpliedPort(query.Body) ? from.Port : DhtFields.Port(query.Body);
                peers.Add(infoHash, new IPEndPoint(from.Address, port));
                return KrpcMessage.Response(t, IdOnly());
            }
            default:
                return KrpcMessage.Error(t, KrpcErrorCode.MethodUnknown, "method unknown");
        }
    }

    private BDictionary IdOnly() => new() { { "id", new BString(Self.ToArray()) } };

    private static BDictionary WithNodes(BDictionary body, List<NodeContact> nodes)
    {
        body.Add("nodes", new BString(CompactNodes.Write(nodes)));
        return body;
    }

    /// <summary>The answer with the most entries (of <paramref name="most"/>) whose datagram fits the budget.</summary>
    private static KrpcMessage Fit(ReadOnlyMemory<byte> t, int budget, Func<int, BDictionary> build, int most)
    {
        for (int n = most; n > 0; n--)
        {
            var answer = KrpcMessage.Response(t, build(n));
            if (KrpcCodec.Encode(answer).Length <= budget)
                return answer;
        }
        return KrpcMessage.Response(t, build(0));
    }
}
