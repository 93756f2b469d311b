using System.Net;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

public sealed partial class TorrentEngine
{
    /// <summary>
    /// The peers we are connected to, as PEX names them (BEP 11): the address to dial (for a peer that
    /// dialled us, its listen port from its extension handshake; without one it is left out), Reachable
    /// when we dialled it, Seed when it has every piece.
    /// </summary>
    private List<PexPeer> ConnectedPexPeers()
    {
        var peers = new List<PexPeer>();
        foreach (var session in _swarm.Sessions.Keys)
        {
            var connection = session.Connection;
            IPEndPoint? dialable = session.Record.IsIncoming
                ? connection.RemoteExtensions?.ListenPort is int port and > 0 ? new IPEndPoint(connection.RemoteEndPoint.Address, port) : null
                : session.Record.EndPoint;
            if (dialable is null)
                continue;
            var flags = (session.Record.IsIncoming ? PexFlags.None : PexFlags.Reachable)
                | (connection.PeerPieces.SetCount == connection.PeerPieces.Count ? PexFlags.Seed : PexFlags.None);
            peers.Add(new PexPeer(dialable, flags));
        }
        return peers;
    }
}
