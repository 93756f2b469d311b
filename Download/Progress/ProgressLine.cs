using System.Text;

namespace MeTorrent.Download.Progress;

/// <summary>What the progress display shows at one moment; <paramref name="Note"/> explains a stall (e.g. a tracker error).</summary>
public readonly record struct ProgressSample(long Done, long Total, long Received, int Peers, string? Note = null);

/// <summary>Formats one progress line: bar, percent, rate, peers, time left.</summary>
public static class ProgressLine
{
    public const int BarWidth = 24;

    public static string Format(ProgressSample sample, double bytesPerSecond, bool withBar)
    {
        double fraction = sample.Total == 0 ? 1 : (double)sample.Done / sample.Total;
        var line = new StringBuilder();
        if (withBar)
        {
            int filled = (int)Math.Round(fraction * BarWidth);
            line.Append('[').Append('#', filled).Append('.', BarWidth - filled).Append("] ");
        }
        line.Append($"{fraction * 100,5:0.0}%  {Units.Bytes(sample.Done)} of {Units.Bytes(sample.Total)}  {Units.Rate(bytesPerSecond)}  ");
        line.Append(sample.Peers == 1 ? "1 peer" : $"{sample.Peers} peers");
        long left = sample.Total - sample.Done;
        if (left > 0 && bytesPerSecond > 1)
            line.Append($"  ETA {Units.Duration(TimeSpan.FromSeconds(Math.Min(left / bytesPerSecond, 360_000)))}");
        if (sample.Note is { } note)
            line.Append($"  ({note})");
        return line.ToString();
    }
}
