// Lesson 05-Download: generated from Download/Engine/QueueDepth.cs by Lessons/tools. Your file: do the TODOs.
namespace MeTorrent.Download.Engine;

/// <summary>
/// How many requests to keep in flight to one peer: about one second of its measured rate, so a fast
/// peer always has the next blocks queued while a slow one does not hoard blocks others could send.
/// The rate is a moving average over quarter-second windows.
/// </summary>
/// <param name="startTicks">the clock (Environment.TickCount64) when the connection started</param>
public sealed class QueueDepth(int min, int max, long startTicks)
{
    private const long WindowMilliseconds = 250;

    private long _windowStart = startTicks;
    private long _windowBytes;
    private double _bytesPerSecond;

    public int Current { get; private set; } = Math.Clamp(64, min, max);

    public double BytesPerSecond => _bytesPerSecond;

    // TODO(05-download.pipelining): measure the peer's rate over quarter-second windows, smoothed from window to window
    // (the first window sets it, each later one counts 40%), and keep about one second of it in flight: Current =
    // rate / block size, within [min, max].
    public void Received(int bytes, long now)
    {
        throw new NotImplementedException("Lesson 05 step 2 (pipelining): how fast does this peer send, and how many requests does that call for? (README, step 2; HINTS.md)");
    }
}
