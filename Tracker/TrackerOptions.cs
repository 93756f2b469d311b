namespace MeTorrent.Tracker;

/// <summary>Time-outs and limits for talking to trackers. The defaults suit real use; tests shorten them.</summary>
public sealed record TrackerOptions
{
    /// <summary>The whole HTTP announce (connect, send, read the body) must finish within this.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest HTTP answer we read. A real announce answer is a few KiB (200 peers take 1.2 KiB);
    /// anything bigger is garbage or hostile and is refused rather than buffered.
    /// </summary>
    public int MaxResponseBytes { get; init; } = 1 << 20;

    /// <summary>Retransmission and connection-id settings for UDP trackers (BEP 15).</summary>
    public UdpTrackerOptions Udp { get; init; } = new();
}
