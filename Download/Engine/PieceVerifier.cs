using System.Security.Cryptography;
using System.Threading.Channels;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Checks completed pieces off the network tasks: SHA-1 against the torrent, then — only if it matches —
/// one write of the whole piece to disk. A bad piece is thrown away and its senders blamed; a peer that
/// keeps sending bad data is banned and disconnected. One worker per core.
/// </summary>
internal sealed class PieceVerifier
{
    private readonly SwarmContext _swarm;
    private readonly Channel<InFlightPiece> _queue = Channel.CreateUnbounded<InFlightPiece>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _workers;
    private readonly Action _onComplete;
    private readonly Action<Exception> _onFatal;
    private readonly Action _onRoomMade;

    /// <param name="onRoomMade">a piece left memory while peers waited for room to start new ones</param>
    public PieceVerifier(SwarmContext swarm, int workers, Action onComplete, Action<Exception> onFatal, Action onRoomMade)
    {
        _swarm = swarm;
        _onComplete = onComplete;
        _onRoomMade = onRoomMade;
        _onFatal = onFatal;
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    public void Enqueue(InFlightPiece piece) => _queue.Writer.TryWrite(piece);

    /// <summary>Finishes the pieces already queued (they are whole: worth keeping), then stops the workers.</summary>
    public async Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task WorkAsync()
    {
        await foreach (var piece in _queue.Reader.ReadAllAsync())
        {
            Verify(piece);
        }
    }

    private void Verify(InFlightPiece piece)
    {
        Span<byte> hash = stackalloc byte[Metainfo.Torrent.HashLength];
        SHA1.HashData(piece.Data, hash);
        bool good = hash.SequenceEqual(_swarm.Torrent.PieceHash(piece.Index));
        if (good)
        {
            try
            {
                _swarm.Storage.WritePiece(piece.Index, piece.Data);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _swarm.State.PieceChecked(piece, good: false, blame: false);
                _onFatal(e);   // a full or failing disk: the download cannot go on
                return;
            }
        }
        int length = piece.Length;
        var banned = _swarm.State.PieceChecked(piece, good);   // releases the buffer
        if (_swarm.State.TakeRoomMade())
            _onRoomMade();
        foreach (var peer in banned)   // also after a good piece: it can prove who spoiled its earlier copies
        {
            peer.IsBanned = true;
            _swarm.Stats.PeerBanned();
            _swarm.Disconnect(peer, "sent data that failed the hash check repeatedly (banned)");
        }
        if (good)
        {
            _swarm.Stats.PieceVerified(length);
            _swarm.Haves.Add(piece.Index);
            if (_swarm.State.IsComplete)
                _onComplete();
        }
        else
            _swarm.Stats.PieceFailed();
    }
}
