using System.Collections.Concurrent;

namespace MeTorrent.Download.Engine;

/// <summary>The engine's background tasks (connections, dialers, the clock), so that shutdown can wait for them.</summary>
internal sealed class TaskTracker
{
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();

    public void Run(Func<Task> work)
    {
        var task = Task.Run(work);
        _tasks[task] = 0;
        task.ContinueWith(t => _tasks.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Waits for every task, but no longer than <paramref name="limit"/>.</summary>
    public async Task WaitAsync(TimeSpan limit) => await Task.WhenAny(Task.WhenAll(_tasks.Keys), Task.Delay(limit));
}
