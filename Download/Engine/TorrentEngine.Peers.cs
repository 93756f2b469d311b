using System.Net.Sockets;
using MeTorrent.Download.Pex;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

public sealed partial class TorrentEngine
{
    /// <summary>Housekeeping: dial peers while there is room, drop stalled and choking ones, watch for lack of progress, rechoke.</summary>
    private async Task MaintainAsync(CancellationToken ct)
    {
        long lastHealthCheck = 0;
        while (!ct.IsCancellationRequested)
        {
            long now = Environment.TickCount64;
            if (!_swarm.State.IsComplete || _swarm.Options.DialWhenComplete)
                ConnectMorePeers(ct);
            bool healthCheck = now - lastHealthCheck >= 1000;
            if (healthCheck)
                lastHealthCheck = now;
            var pexPeers = healthCheck && PexPolicy.Allowed(_swarm.Torrent) ? ConnectedPexPeers() : null;
            foreach (var session in _swarm.Sessions.Keys)
            {
                if (healthCheck)
                    session.CheckHealth(now);
                if (pexPeers is not null)
                    _ = session.SendPexAsync(pexPeers, ct);
                _ = session.AnnounceNewPiecesAsync(ct);
                if (!_swarm.State.IsComplete)
                    _ = session.PokeAsync(recheckInterest: healthCheck, ct);
                else if (healthCheck)
                    _ = session.LoseInterestAsync(ct);
            }
            CheckProgress(now);
            RechokeIfDue(now);
            try
            {
                await _wake.WaitAsync(Tick, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void CheckProgress(long now)
    {
        long done = _swarm.Stats.BytesDone;
        if (done != _lastBytesDone || _swarm.State.IsComplete)
        {
            _lastBytesDone = done;
            _lastProgressTicks = now;
            return;
        }
        var limit = _swarm.Options.NoProgressTimeout;
        if (now - _lastProgressTicks < limit.TotalMilliseconds)
            return;
        string why = _swarm.Pool.Count == 0
            ? "no peers found" + (TrackerError is { } error ? $" ({error})" : _announcer is null ? "" : " (the trackers returned none)")
            : $"{_swarm.Pool.Count} peer{(_swarm.Pool.Count == 1 ? "" : "s")} known, {_swarm.Sessions.Count} connected, none sending data";
        _completion.TrySetException(new EngineException($"no progress for {limit.TotalSeconds:0} s: {why}"));
    }

    private void ConnectMorePeers(CancellationToken ct)
    {
        int room = _swarm.Options.MaxPeers - _swarm.Sessions.Count - Volatile.Read(ref _connecting);
        if (room <= 0)
            return;
        foreach (var record in _swarm.Pool.TakeCandidates(room))
        {
            Interlocked.Increment(ref _connecting);
            Track(() => DialAsync(record, ct));
        }
    }

    private async Task DialAsync(PeerRecord record, CancellationToken ct)
    {
        PeerConnection connection;
        try
        {
            connection = await PeerConnection.ConnectAsync(record.EndPoint, Torrent.InfoHash, _swarm.Options.PeerId, _connectionOptions, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log($"{record}: cannot connect: {e.Message}");
            _swarm.Pool.Disconnected(record, useful: false);
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _connecting);
        }
        await RunSessionAsync(connection, record, ct);
    }

    private async Task AcceptAsync(PeerConnection connection, CancellationToken ct)
    {
        if (_swarm.Sessions.Count >= _swarm.Options.MaxPeers)
        {
            await connection.DisposeAsync();
            return;
        }
        var record = _swarm.Pool.AddIncoming(connection.RemoteEndPoint);
        await RunSessionAsync(connection, record, ct);
    }

    private async Task RunSessionAsync(PeerConnection connection, PeerRecord record, CancellationToken ct)
    {
        var session = new PeerSession(_swarm, connection, record);
        _swarm.Sessions[session] = 0;
        _swarm.Stats.PeerConnected();
        Log($"{record}: connected ({(record.IsIncoming ? "incoming" : "outgoing")})");
        try
        {
            await session.RunAsync(ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the peer did (closed, timed out, broke the protocol, was stopped) ends only this connection.
            if (!ct.IsCancellationRequested)
                Log($"{record}: disconnected: {session.StopReason ?? e.Message}");
        }
        finally
        {
            _swarm.Sessions.TryRemove(session, out _);
            _swarm.Stats.PeerDisconnected();
            await connection.DisposeAsync();
            _swarm.Pool.Disconnected(record, useful: session.BlocksReceived > 0);
        }
    }

    /// <summary>New peers arrived, or a verified piece made room for new ones: run the housekeeping round now.</summary>
    private void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { } catch (ObjectDisposedException) { }
    }

    /// <summary>Runs a background task and remembers it, so shutdown can wait for it.</summary>
    private void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        _tasks[task] = 0;
        task.ContinueWith(t => _tasks.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task WaitForTasksAsync(TimeSpan limit)
    {
        var all = Task.WhenAll(_tasks.Keys);
        await Task.WhenAny(all, Task.Delay(limit));
    }
}
