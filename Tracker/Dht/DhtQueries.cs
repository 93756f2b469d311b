using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>The four queries of BEP 5, as the argument dictionaries we send.</summary>
public static class DhtQueries
{
    public const string Ping = "ping";
    public const string FindNode = "find_node";
    public const string GetPeers = "get_peers";
    public const string AnnouncePeer = "announce_peer";

    public static BDictionary PingArguments(NodeId self) => new() { { "id", Id(self) } };

    public static BDictionary FindNodeArguments(NodeId self, NodeId target) =>
        new() { { "id", Id(self) }, { "target", Id(target) } };

    public static BDictionary GetPeersArguments(NodeId self, NodeId infoHash) =>
        new() { { "id", Id(self) }, { "info_hash", Id(infoHash) } };

    /// <param name="impliedPort">true: "use the port my datagram came from" (for a peer behind NAT or on uTP)</param>
    public static BDictionary AnnouncePeerArguments(NodeId self, NodeId infoHash, int port, ReadOnlyMemory<byte> token, bool impliedPort) =>
        new()
        {
            { "id", Id(self) },
            { "implied_port", new BInteger(impliedPort ? 1 : 0) },
            { "info_hash", Id(infoHash) },
            { "port", new BInteger(port) },
            { "token", new BString(token) },
        };

    private static BString Id(NodeId id) => new(id.ToArray());
}
