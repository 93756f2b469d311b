using System.Net;
using MeTorrent.Tracker.Dht;

namespace MeTorrent.Download.Dht;

/// <summary>
/// A DHT node for the length of one command: started with the id saved by an earlier run, joined through
/// the bootstrap nodes the user named and the nodes saved last time, and saved again when disposed.
/// </summary>
public sealed class DhtSession : IAsyncDisposable
{
    private readonly string? _savedPath;
    private readonly CancellationTokenSource _stop = new();

    private DhtSession(DhtNode node, string? savedPath) => (Node, _savedPath) = (node, savedPath);

    public DhtNode Node { get; }

    /// <summary>
    /// A peer's port message (BEP 5) named a DHT node: ping it, which adds it to the routing table if it
    /// answers. For <c>EngineOptions.DhtNodeHeard</c>; never waits, never throws.
    /// </summary>
    public void PingSoon(IPEndPoint node) => _ = PingQuietlyAsync(node);

    private async Task PingQuietlyAsync(IPEndPoint node)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Node.PingAsync(node, timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a node that does not answer is simply not added
        }
    }

    /// <summary>Nodes in the routing table once the bootstrap was done.</summary>
    public int JoinedWith { get; private set; }

    /// <summary>Done once the bootstrap is (at once when <c>JoinAsync</c> waited for it).</summary>
    public Task Joined { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts a node and joins the DHT through <paramref name="bootstrap"/> and the nodes saved in
    /// <paramref name="savedPath"/> (null: nothing is read or saved). A damaged saved file is reported on
    /// <paramref name="log"/> and ignored. Returns even when no node answered: see <see cref="JoinedWith"/>.
    /// </summary>
    /// <param name="anyPortIfTaken">bind any free port when <see cref="DhtNodeOptions.Port"/> is taken (another client holds 6881)</param>
    /// <param name="inBackground">return once the node is listening, and join meanwhile (see <see cref="Joined"/>): for a
    /// download that has other peer sources, which must not wait for saved nodes that may be long gone</param>
    public static async Task<DhtSession> JoinAsync(IReadOnlyList<IPEndPoint> bootstrap, string? savedPath, DhtNodeOptions options,
        Action<string> log, CancellationToken ct, bool anyPortIfTaken = false, bool inBackground = false)
    {
        var saved = savedPath is null ? null : LoadSaved(savedPath, log);
        options = options with { Id = saved?.Id ?? options.Id };
        var session = new DhtSession(anyPortIfTaken ? StartOnAnyPortIfTaken(options) : DhtNode.Start(options), savedPath);
        try
        {
            var start = bootstrap.Concat(saved?.Nodes.Select(n => n.EndPoint) ?? []).ToList();
            if (start.Count > 0)
            {
                string sources = $"{bootstrap.Count} given, {saved?.Nodes.Count ?? 0} saved";
                session.Joined = inBackground ? session.BootstrapQuietlyAsync(start, sources, log) : session.BootstrapAsync(start, sources, log, ct);
                await (inBackground ? Task.CompletedTask : session.Joined);
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task BootstrapAsync(List<IPEndPoint> start, string sources, Action<string> log, CancellationToken ct)
    {
        JoinedWith = await Node.BootstrapAsync(start, ct);
        log($"DHT bootstrap: {JoinedWith} nodes known ({sources})");
    }

    private async Task BootstrapQuietlyAsync(List<IPEndPoint> start, string sources, Action<string> log)
    {
        try
        {
            await BootstrapAsync(start, sources, log, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // the command ended first
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or DhtQueryException or ObjectDisposedException)
        {
            log($"DHT bootstrap failed: {e.Message}");   // one peer source among others
        }
    }

    /// <summary>The saved id and nodes, or null when there are none (or the file is damaged: said on <paramref name="log"/>).</summary>
    public static SavedNodes.Contents? LoadSaved(string path, Action<string> log)
    {
        try
        {
            return SavedNodes.Load(path);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            log($"ignoring the saved DHT nodes: {e.Message}");
            return null;
        }
    }

    private static DhtNode StartOnAnyPortIfTaken(DhtNodeOptions options)
    {
        try
        {
            return DhtNode.Start(options);
        }
        catch (System.Net.Sockets.SocketException) when (options.Port != 0)
        {
            return DhtNode.Start(options with { Port = 0 });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Joined.ContinueWith(_ => { }, TaskScheduler.Default);   // a bootstrap still running ends first
        _stop.Dispose();
        var known = Node.KnownNodes;
        if (_savedPath is not null && known.Count > 0)
        {
            try { SavedNodes.Save(_savedPath, Node.Id, known); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // saving is a courtesy
        }
        await Node.DisposeAsync();
    }
}
