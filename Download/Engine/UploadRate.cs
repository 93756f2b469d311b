namespace MeTorrent.Download.Engine;

/// <summary>
/// The rate we upload to one peer, from its byte counter sampled at each rechoke: the mean over the
/// last interval, smoothed with the previous figure (half each), so one quiet round does not drop a
/// peer's rank at once. Read by the choker while seeding (tit-for-tat ranks by it then).
/// </summary>
public sealed class UploadRate
{
    private long _lastBytes;
    private long _lastTicks = -1;
    private double _rate;

    /// <param name="totalBytes">bytes sent to the peer so far</param>
    /// <param name="now">Environment.TickCount64</param>
    public double Update(long totalBytes, long now)
    {
        if (_lastTicks >= 0 && now > _lastTicks)
        {
            double current = (totalBytes - _lastBytes) * 1000.0 / (now - _lastTicks);
            _rate = _rate == 0 ? current : (_rate + current) / 2;
        }
        _lastBytes = totalBytes;
        _lastTicks = now;
        return _rate;
    }
}
