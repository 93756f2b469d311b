namespace MeTorrent.Download.Progress;

/// <summary>
/// Shows a download's progress on standard error (standard output carries only the result, so scripts
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

    /// <summary>Redraws until cancelled, then clears the live line.</summary>
    public async Task RunAsync(Func<ProgressSample> sample, CancellationToken ct)
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
                double rate = _rate.Update(now.Received, DateTime.UtcNow);
                if (mode == Mode.Live)
                    Redraw(ProgressLine.Format(now, rate, withBar: true));
                else if (DateTime.UtcNow - lastPlain >= Interval)
                {
                    lastPlain = DateTime.UtcNow;
                    writer.WriteLine(ProgressLine.Format(now, rate, withBar: false));
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
