using MeTorrent.Download.Choking;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

internal sealed partial class PeerSession
{
    /// <summary>Keeps the request queue full while the peer unchokes us and has pieces we need.</summary>
    private async ValueTask FillRequestsAsync(CancellationToken ct)
    {
        if (_connection.PeerChoking || !_connection.AmInterested)
            return;
        _chokedSince = long.MaxValue;
        await _filling.WaitAsync(ct);   // the session task and the engine's poke must not share the buffers at once
        try
        {
            await TopUpAsync(ct);
        }
        finally
        {
            _filling.Release();
        }
    }

    /// <summary>
    /// Called by the engine's housekeeping: a peer with an empty queue gets no messages, so nothing
    /// else would make it ask for blocks freed meanwhile (by a choke, a departed peer, a failed piece).
    /// </summary>
    public async Task PokeAsync(bool recheckInterest, CancellationToken ct)
    {
        try
        {
            if (recheckInterest && !_connection.AmInterested)
                await UpdateInterestAsync(ct);
            else if (!_connection.PeerChoking && _connection.AmInterested && _connection.OutstandingRequests < _swarm.Options.MinQueueDepth)
                await FillRequestsAsync(ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is failing; its own task notices and cleans up
        }
    }

    /// <summary>
    /// The download is complete: a peer we were interested in hears that we no longer are (BEP 3), which
    /// frees the upload slot it gave us for someone else. The last block arrives before its piece is
    /// verified, so the session itself still counted that piece as wanted.
    /// </summary>
    public async Task LoseInterestAsync(CancellationToken ct)
    {
        try
        {
            if (_connection.AmInterested)
                await _connection.SendNotInterestedAsync(ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is failing; its own task notices and cleans up
        }
    }

    private async ValueTask TopUpAsync(CancellationToken ct)
    {
        int count = _swarm.State.TopUp(_requests, _connection.PeerPieces, _depth.Current, _picked);
        if (count > 0)
        {
            _toSend.Clear();
            for (int i = 0; i < count; i++)
                _toSend.Add(_picked[i]);
            await _connection.SendRequestsAsync(_toSend, ct);
        }
        else if (_connection.OutstandingRequests == 0 && !_swarm.State.WantsAnythingFrom(_connection.PeerPieces))
            await _connection.SendNotInterestedAsync(ct);
    }

    private async ValueTask UpdateInterestAsync(CancellationToken ct)
    {
        bool wanted = _swarm.State.WantsAnythingFrom(_connection.PeerPieces);
        if (wanted && !_connection.AmInterested)
        {
            _chokedSince = Environment.TickCount64;
            await _connection.SendInterestedAsync(ct);
        }
        else if (!wanted && _connection.AmInterested)
            await _connection.SendNotInterestedAsync(ct);
        await FillRequestsAsync(ct);
    }

    /// <summary>Endgame: another peer delivered blocks we had also asked this one for.</summary>
    private async ValueTask SendCancelsAsync(CancellationToken ct)
    {
        foreach (var (peer, request) in _cancels)
        {
            try
            {
                if (peer.Connection is { } other)
                    await other.SendCancelAsync(request, ct);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or InvalidOperationException)
            {
                // that connection is closing; its own task cleans up
            }
        }
        _cancels.Clear();
    }

    /// <summary>What the choker needs to know of this peer (called by the engine's housekeeping only).</summary>
    public ChokeCandidate<PeerSession> ChokeCandidate(long now) => new(
        this,
        _connection.PeerInterested,
        DownloadRate,
        _uploadRate.Update(_connection.BytesSent, now),
        TimeSpan.FromMilliseconds(now - _connectedTicks),
        TimeSpan.FromMilliseconds(now - Volatile.Read(ref _lastBlockTicks)),
        _connection.PeerChoking);

    /// <summary>Applies the choker's decision to this connection (sends only when it changes).</summary>
    public async Task SetChokedAsync(bool choked)
    {
        try
        {
            if (choked && !_connection.AmChoking)
                await _connection.SendChokeAsync(CancellationToken.None);
            else if (!choked && _connection.AmChoking)
                await _connection.SendUnchokeAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is closing; its own task cleans up
        }
    }

    /// <summary>
    /// Called by the engine's housekeeping: the session task sends haves only after a message arrives,
    /// so a quiet peer would hear of our new pieces minutes late (BEP 3: a have goes to every peer).
    /// </summary>
    public async Task AnnounceNewPiecesAsync(CancellationToken ct)
    {
        if (!_piecesAnnounced || _swarm.Haves.Count == _havesRead)
            return;
        try
        {
            await SendNewHavesAsync(ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is failing; its own task notices and cleans up
        }
    }

    /// <summary>Tells the peer about pieces verified since we last told it (skipping ones it has).</summary>
    public async ValueTask SendNewHavesAsync(CancellationToken ct)
    {
        if (!await _sendHaves.WaitAsync(0, ct))
            return; // another task is sending them right now
        try
        {
            _newHaves.Clear();
            _havesRead = _swarm.Haves.ReadFrom(_havesRead, _newHaves);
            foreach (int piece in _newHaves)
                if (!_connection.PeerPieces[piece])
                    await _connection.SendHaveAsync(piece, ct);
        }
        finally
        {
            _sendHaves.Release();
        }
    }

    /// <summary>
    /// Checked every second by the engine: a peer that stalls or never unchokes us is let go; requests it
    /// seems to have dropped (unanswered long after later ones, or made before a choke and unanswered
    /// <see cref="ChokeGrace"/> after it) go back to the pool and are cancelled at the peer.
    /// </summary>
    public void CheckHealth(long now)
    {
        var options = _swarm.Options;
        if (_swarm.State.IsStalled(_requests, options.StallTimeout, now))
            Stop($"sent nothing for {options.StallTimeout.TotalSeconds:0} s");
        else if (_connection.AmInterested && _connection.PeerChoking && now - _chokedSince > options.ChokeTimeout.TotalMilliseconds)
            Stop($"kept us choked for {options.ChokeTimeout.TotalSeconds:0} s");
        else
        {
            if (now - _lastKeepAlive > KeepAliveMilliseconds)
            {
                // BEP 3: peers drop connections silent for about two minutes; an idle seeding link stays open.
                _lastKeepAlive = now;
                _ = SendKeepAliveAsync();
            }
            var forgotten = new List<BlockRequest>();
            _swarm.State.ReleaseForgotten(_requests, options.StallTimeout, now, forgotten);
            if (_lastChokeTicks > 0 && now - _lastChokeTicks > ChokeGrace.TotalMilliseconds)
                _swarm.State.ReleaseMadeBefore(_requests, _lastChokeTicks, forgotten);
            if (forgotten.Count > 0)
                _ = CancelForgottenAsync(forgotten);
        }
    }

    private async Task SendKeepAliveAsync()
    {
        try
        {
            await _connection.SendKeepAliveAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
        }
    }

    /// <summary>Withdraws requests the peer seems to have dropped; their blocks are already free for others.</summary>
    private async Task CancelForgottenAsync(List<BlockRequest> forgotten)
    {
        try
        {
            foreach (var request in forgotten)
                await _connection.SendCancelAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // the connection is closing; its own task cleans up
        }
    }
}
