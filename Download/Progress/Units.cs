namespace MeTorrent.Download.Progress;

/// <summary>Sizes, rates and durations the way people read them: 64.0 MiB, 812.3 MiB/s, 1m05s.</summary>
public static class Units
{
    private static readonly string[] Names = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(double bytes)
    {
        int unit = 0;
        while (bytes >= 1024 && unit < Names.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : $"{bytes:0.0} {Names[unit]}";
    }

    public static string Rate(double bytesPerSecond) => Bytes(bytesPerSecond) + "/s";

    public static string Duration(TimeSpan time) =>
        time.TotalSeconds < 60 ? $"{time.TotalSeconds:0.0}s"
        : time.TotalHours < 1 ? $"{(int)time.TotalMinutes}m{time.Seconds:00}s"
        : $"{(int)time.TotalHours}h{time.Minutes:00}m";
}
