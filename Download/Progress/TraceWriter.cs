using System.Net;
using System.Threading.Channels;
using MeTorrent.Peer;

namespace MeTorrent.Download.Progress;

/// <summary>
/// --trace: every handshake and message in and out, one line each, time-stamped and per peer, with
/// its fields named as the BEPs name them (<see cref="WireTrace"/>):
/// <code>12:00:01.204 127.0.0.1:6881 ← piece index=3 begin=16384 block=16384 bytes</code>
/// A connection never waits for the terminal: lines go through a bounded queue to one writer task, and
/// when the queue is full they are dropped and counted (the count is printed at the end).
/// --trace-peer narrows it to one peer.
/// </summary>
public sealed class TraceWriter : IAsyncDisposable
{
    private const int QueueLength = 10_000;

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(
        new BoundedChannelOptions(QueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TextWriter _output;
    private readonly IPEndPoint? _onlyPeer;
    private readonly Task _writer;
    private long _written, _offered;

    public TraceWriter(TextWriter output, IPEndPoint? onlyPeer = null)
    {
        _output = output;
        _onlyPeer = onlyPeer;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Hand this to <see cref="PeerConnectionOptions.Trace"/> (or the engine's options).</summary>
    public WireObserver Observer => Observe;

    private void Observe(PeerConnection connection, bool outgoing, bool handshake, ReadOnlySpan<byte> frame)
    {
        if (_onlyPeer is not null && !SamePeer(connection.RemoteEndPoint, _onlyPeer))
            return;
        Interlocked.Increment(ref _offered);
        _lines.Writer.TryWrite($"{DateTime.Now:HH:mm:ss.fff} {connection.RemoteEndPoint} {(outgoing ? "→" : "←")} " +
            WireTrace.Describe(connection.RemoteExtensions, outgoing, handshake, frame));
    }

    private static bool SamePeer(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && (a.Address.Equals(b.Address) || a.Address.IsIPv4MappedToIPv6 && a.Address.MapToIPv4().Equals(b.Address));

    private async Task WriteAsync()
    {
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            await _output.WriteLineAsync(line);
            _written++;
        }
    }

    /// <summary>Writes what is queued, and how many lines had to be dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer;
        long dropped = Interlocked.Read(ref _offered) - _written;
        if (dropped > 0)
            await _output.WriteLineAsync($"trace: {dropped} lines dropped (the terminal could not keep up)");
        await _output.FlushAsync();
    }
}
