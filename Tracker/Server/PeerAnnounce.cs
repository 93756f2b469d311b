using System.Net;
using MeTorrent.Metainfo;

namespace MeTorrent.Tracker.Server;

/// <summary>One announce as the server sees it, whichever protocol it came over.</summary>
/// <param name="InfoHash">the torrent</param>
/// <param name="PeerId">the 20-byte peer id</param>
/// <param name="Endpoint">the address the request came from, with the port the peer says it listens on</param>
/// <param name="Left">bytes the peer still misses; null when it did not say</param>
/// <param name="Event">started, completed, stopped or none</param>
/// <param name="NumWant">peers wanted; null for the default</param>
internal sealed record PeerAnnounce(InfoHash InfoHash, byte[] PeerId, IPEndPoint Endpoint, long? Left, AnnounceEvent Event, int? NumWant)
{
    /// <summary>One line for the log, e.g. "127.0.0.1:6881 d69f91e6… started left=92063".</summary>
    public string Summary =>
        $"{Endpoint} {InfoHash.Hex[..8]}… {(Event == AnnounceEvent.None ? "" : Event.ToString().ToLowerInvariant() + " ")}left={Left?.ToString() ?? "?"}";
}

/// <summary>What the swarm answers: some other peers, and its seeder and leecher counts.</summary>
internal sealed record SwarmAnswer(IReadOnlyList<SwarmPeer> Peers, int Seeders, int Leechers);

/// <summary>A peer the tracker knows of.</summary>
internal sealed record SwarmPeer(IPEndPoint Endpoint, byte[] PeerId, bool IsSeeder, DateTimeOffset LastSeen);
