using System.Net;

namespace MeTorrent.Download.Engine;

/// <summary>A piece as the map shows it, from least to most done; <see cref="Failed"/>: it failed its hash check and is fetched again.</summary>
public enum PieceMark : byte { Missing, Requested, Received, Verifying, Verified, Failed }

/// <summary>One piece in a <see cref="SwarmView"/>: its state and how many connected peers have it.</summary>
public readonly record struct PieceCell(PieceMark Mark, int Availability);

/// <summary>One connection in a <see cref="SwarmView"/>: its rates (bytes/s) and the four flags of BEP 3.</summary>
public readonly record struct PeerView(IPEndPoint EndPoint, double DownloadRate, double UploadRate,
    bool AmChoking, bool AmInterested, bool PeerChoking, bool PeerInterested, int Requests, int PiecesHave);

/// <summary>
/// A picture of the torrent taken by its loop (<see cref="TorrentEngine.ViewAsync"/>): every piece and every
/// peer, for the live piece map. Taken only when asked, so it costs nothing when nobody looks.
/// </summary>
public sealed record SwarmView(IReadOnlyList<PieceCell> Pieces, IReadOnlyList<PeerView> Peers);
