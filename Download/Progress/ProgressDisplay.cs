namespace MeTorrent.Download.Progress;

/// <summary>
/// Shows a download's progress (or a seeder's status) on standard error (standard output carries only the result, so scripts
/// can capture it). On a terminal: one line with a bar, redrawn in place four times a second. When
/// standard error is redirected (a log, CI): a plain line every five seconds. Quiet: nothing.
/// </summary>
public sealed class ProgressDisplay(TextWriter writer, ProgressDisplay.Mode mode)
{
    public enum Mode { Quiet, Live, Plain }

    private readonly RateMeter _rate = new();
    private int _lastWidth;

    /// <summary>Live on a terminal, plain lines otherwise, unless <paramref name="quiet"/>.</summary>
    public static Mode ModeFor(bool quiet) => quiet ? Mode.Quiet : Console.IsErrorRedirected ? Mode.Plain : Mode.Live;

    public TimeSpan Interval => mode == Mode.Live ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);

    /// <summary>Redraws a download's progress until cancelled, then clears the live line.</summary>
    public Task RunAsync(Func<ProgressSample> sample, CancellationToken ct) =>
        RunAsync(sample, s => s.Received, (s, rate, live) => ProgressLine.Format(s, rate, withBar: live), ct);

    /// <summary>
    /// Redraws any status line until cancelled, then clears the live line: <paramref name="counted"/> is the
    /// byte counter whose rate is shown (received for a download, uploaded for a seeder).
    /// </summary>
    public async Task RunAsync<T>(Func<T> sample, Func<T, long> counted, Func<T, double, bool, string> format, CancellationToken ct)
    {
        if (mode == Mode.Quiet)
            return;
        using var timer = new PeriodicTimer(mode == Mode.Live ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1));
        var lastPlain = DateTime.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = sample();
                double rate = _rate.Update(counted(now), DateTime.UtcNow);
                if (mode == Mode.Live)
                    Redraw(format(now, rate, true));
                else if (DateTime.UtcNow - lastPlain >= Interval)
                {
                    lastPlain = DateTime.UtcNow;
                    writer.WriteLine(format(now, rate, false));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Clear();
        }
    }

    private void Redraw(string line)
    {
        int width = line.Length;
        writer.Write('\r' + line + new string(' ', Math.Max(0, _lastWidth - width)));
        writer.Flush();
        _lastWidth = width;
    }

    private void Clear()
    {
        if (mode != Mode.Live || _lastWidth == 0) return;
        writer.Write('\r' + new string(' ', _lastWidth) + '\r');
        writer.Flush();
        _lastWidth = 0;
    }
}
