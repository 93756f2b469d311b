using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Progress;

/// <summary>
/// `--map`: the progress line with the live piece map (<see cref="PieceMap"/>) under it, redrawn in place
/// four times a second on a terminal. Elsewhere (a log, CI) the usual plain progress lines, and the map
/// once, in plain text, at the end.
/// </summary>
public sealed class MapDisplay(TextWriter writer, ProgressDisplay.Mode mode)
{
    private readonly RateMeter _rate = new();
    private int _drawn;   // lines of the last frame, to move back over

    public async Task RunAsync(TorrentEngine engine, Func<ProgressSample> sample, CancellationToken ct)
    {
        if (mode == ProgressDisplay.Mode.Quiet)
            return;
        if (mode == ProgressDisplay.Mode.Plain)
        {
            await new ProgressDisplay(writer, mode).RunAsync(sample, ct);
            await DrawFinalAsync(engine);
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                Draw(Frame(await engine.ViewAsync(ct), sample(), color: true));
        }
        catch (OperationCanceledException)
        {
        }
        await DrawFinalAsync(engine);
    }

    private List<string> Frame(SwarmView view, ProgressSample now, bool color)
    {
        double rate = _rate.Update(now.Received, DateTime.UtcNow);
        return [ProgressLine.Format(now, rate, withBar: color), .. PieceMap.Render(view, color)];
    }

    /// <summary>The last picture stays on screen (after the download it shows what happened).</summary>
    private async Task DrawFinalAsync(TorrentEngine engine)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var view = await engine.ViewAsync(timeout.Token);
            var lines = PieceMap.Render(view, color: mode == ProgressDisplay.Mode.Live);
            if (mode == ProgressDisplay.Mode.Live)
                Draw([.. lines]);
            else
                foreach (var line in lines)
                    writer.WriteLine(line);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // the engine has stopped: nothing to show
        }
        _drawn = 0;
        writer.Flush();
    }

    /// <summary>Moves back over the last frame and writes this one over it, clearing each line (ANSI).</summary>
    private void Draw(List<string> lines)
    {
        var frame = new System.Text.StringBuilder();
        if (_drawn > 0)
            frame.Append($"\e[{_drawn}F");
        foreach (var line in lines)
            frame.Append("\e[2K").Append(line).Append('\n');
        for (int extra = lines.Count; extra < _drawn; extra++)
            frame.Append("\e[2K\n");
        writer.Write(frame.ToString());
        writer.Flush();
        _drawn = Math.Max(lines.Count, _drawn);
    }
}
