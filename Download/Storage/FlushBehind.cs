namespace MeTorrent.Download.Storage;

/// <summary>
/// Flush-behind: pushes written data to the disk in the background while the download goes on, so that the
/// final flush (a download reported done is on disk) finds little left to wait for. A flush starts as soon as
/// <c>bytes</c> have been written since the last one, or once <c>interval</c> has passed with anything
/// written. The first keeps a fast download's dirty pages, and so the wait at its end, small (a fixed period
/// would let a whole period's worth pile up: about 300 MiB at full speed on a loopback swarm); the second
/// bounds what a slow download leaves unflushed. One flush at a time, on a worker thread.
/// </summary>
internal sealed class FlushBehind : IDisposable
{
    private readonly Action _flush;
    private readonly long _bytes;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _enough = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _unflushed;

    /// <param name="flush">flushes every file written so far (thread-safe; may throw IOException)</param>
    /// <param name="bytes">written bytes that start a flush at once (0: only the interval does)</param>
    /// <param name="interval">the longest written data waits for a flush (more than zero)</param>
    public FlushBehind(Action flush, long bytes, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _flush = flush;
        _bytes = bytes > 0 ? bytes : long.MaxValue;
        _interval = interval;
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Bytes written and not yet covered by a finished flush.</summary>
    public long Unflushed => Interlocked.Read(ref _unflushed);

    /// <summary>Counts bytes just written (from any thread); wakes the flusher when they reach the threshold.</summary>
    public void Written(long count)
    {
        long total = Interlocked.Add(ref _unflushed, count);
        if (total >= _bytes && total - count < _bytes)
            _enough.Release();
    }

    /// <summary>A flush that started when <paramref name="count"/> bytes were unflushed has finished.</summary>
    public void Flushed(long count) => Interlocked.Add(ref _unflushed, -count);

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                if (Unflushed < _bytes)
                    await _enough.WaitAsync(_interval, ct);   // enough written, or the interval is up
                long taken = Unflushed;
                if (taken == 0)
                    continue;
                try
                {
                    await Task.Run(_flush, ct);
                    Flushed(taken);
                }
                catch (IOException)
                {
                    // The data stays unflushed: the final flush retries it and reports the error. Until then,
                    // one try per interval rather than a loop of failing flushes.
                    await Task.Delay(_interval, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException)
        {
            // only cancellation ends the loop; nothing else escapes it
        }
        _stop.Dispose();
        _enough.Dispose();
    }
}
