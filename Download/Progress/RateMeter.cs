namespace MeTorrent.Download.Progress;

/// <summary>A download rate smoothed over the last few seconds (exponential moving average of samples).</summary>
public sealed class RateMeter
{
    private long _lastBytes = -1;
    private DateTime _lastTime;
    private double _rate;

    public double Update(long totalBytes, DateTime now)
    {
        if (_lastBytes >= 0)
        {
            double seconds = (now - _lastTime).TotalSeconds;
            if (seconds > 0)
            {
                double current = (totalBytes - _lastBytes) / seconds;
                double weight = Math.Min(1, seconds / 2);   // about a two-second memory
                _rate += (current - _rate) * weight;
            }
        }
        _lastBytes = totalBytes;
        _lastTime = now;
        return _rate;
    }
}
