using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Progress;

/// <summary>The closing figures of a download: size, time, average rate, peers, wasted work.</summary>
public static class Summary
{
    public static string Of(EngineStats stats, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var parts = new List<string>
        {
            $"{Units.Bytes(stats.BytesVerified)} in {Units.Duration(elapsed)} ({Units.Rate(stats.BytesVerified / seconds)}) from {stats.PeakPeers} peer{(stats.PeakPeers == 1 ? "" : "s")}",
        };
        if (stats.BytesAlreadyHad > 0)
            parts.Add($"{Units.Bytes(stats.BytesAlreadyHad)} were already on disk");
        if (stats.PiecesFailed > 0)
            parts.Add($"{stats.PiecesFailed} piece{(stats.PiecesFailed == 1 ? "" : "s")} failed the hash check and were fetched again");
        if (stats.PeersBanned > 0)
            parts.Add($"{stats.PeersBanned} peer{(stats.PeersBanned == 1 ? "" : "s")} banned for bad data");
        return string.Join("; ", parts) + ".";
    }
}
