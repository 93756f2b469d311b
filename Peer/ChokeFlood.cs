namespace MeTorrent.Peer;

/// <summary>
/// Counts the chokes a peer sends. An honest client rechokes every 10 s (BEP 3; libtorrent's
/// unchoke_interval is 15 s) and rotates its optimistic unchoke every 30 s, so even with anti-snubbing and
/// a few peers leaving it chokes us a handful of times a minute at most. <see cref="MaxChokes"/> in any
/// <see cref="Window"/> is far above that and far below a flood (issue 9: 1,000 choke/unchoke pairs made a
/// client send 64,519 requests for 518 blocks): past it the peer is dropped.
/// </summary>
internal sealed class ChokeFlood
{
    public const int MaxChokes = 20;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private long _windowStart = long.MinValue;
    private int _chokes;

    /// <summary>Notes one choke; throws PeerProtocolException when the peer flips faster than any honest client.</summary>
    public void Choked(object peer)
    {
        long now = Environment.TickCount64;
        if (now - _windowStart >= Window.TotalMilliseconds)
        {
            _windowStart = now;
            _chokes = 0;
        }
        if (++_chokes > MaxChokes)
            throw new PeerProtocolException(
                $"{peer} choked us {_chokes} times within {Window.TotalSeconds:0} s (an honest peer rechokes every 10 s): choke flood, dropped");
    }
}
