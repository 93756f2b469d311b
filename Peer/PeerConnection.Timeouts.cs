namespace MeTorrent.Peer;

public sealed partial class PeerConnection
{
    // One reusable token source per direction, linked to the caller's token, re-armed before each
    // receive/send: a time-out without allocating per message. A fresh one is made only when the caller
    // passes a different token (or after one has fired, when the connection is finished anyway).
    private CancellationTokenSource? _readTimeout;
    private CancellationToken _readCaller;
    private CancellationTokenSource? _writeTimeout;
    private CancellationToken _writeCaller;

    private CancellationToken ArmReadTimeout(TimeSpan timeout, CancellationToken ct) =>
        Arm(ref _readTimeout, ref _readCaller, timeout, ct);

    private void DisarmReadTimeout() => _readTimeout?.CancelAfter(Timeout.InfiniteTimeSpan);

    private CancellationToken ArmWriteTimeout(CancellationToken ct) =>
        Arm(ref _writeTimeout, ref _writeCaller, _options.WriteTimeout, ct);

    private void DisarmWriteTimeout() => _writeTimeout?.CancelAfter(Timeout.InfiniteTimeSpan);

    private static CancellationToken Arm(ref CancellationTokenSource? source, ref CancellationToken caller,
        TimeSpan timeout, CancellationToken ct)
    {
        if (source is null || source.IsCancellationRequested || caller != ct)
        {
            source?.Dispose();
            source = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct) : new CancellationTokenSource();
            caller = ct;
        }
        source.CancelAfter(timeout);
        return source.Token;
    }
}
