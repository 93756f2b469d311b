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

    /// <summary>
    /// Starts a node and joins the DHT through <paramref name="bootstrap"/> and the nodes saved in
    /// <paramref name="savedPath"/> (null: nothing is read or saved). A damaged saved file is reported on
    /// <paramref name="log"/> and ignored. Returns even when no node answered: see <see cref="JoinedWith"/>.
    /// </summary>
    /// <param name="anyPortIfTaken">bind any free port when <see cref="DhtNodeOptions.Port"/> is taken (another client holds 6881)</param>
    public static async Task<DhtSession> JoinAsync(IReadOnlyList<IPEndPoint> bootstrap, string? savedPath, DhtNodeOptions options,
        Action<string> log, CancellationToken ct, bool anyPortIfTaken = false)
    {
        var saved = savedPath is null ? null : LoadSaved(savedPath, log);
        options = options with { Id = saved?.Id ?? options.Id };
        var session = new DhtSession(anyPortIfTaken ? StartOnAnyPortIfTaken(options) : DhtNode.Start(options), savedPath);
        try
        {
            var start = bootstrap.Concat(saved?.Nodes.Select(n => n.EndPoint) ?? []).ToList();
            if (start.Count > 0)
            {
                session.JoinedWith = await session.Node.BootstrapAsync(start, ct);
                log($"DHT bootstrap: {session.JoinedWith} nodes known ({bootstrap.Count} given, {saved?.Nodes.Count ?? 0} saved)");
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
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
        var known = Node.KnownNodes;
        if (_savedPath is not null && known.Count > 0)
        {
            try { SavedNodes.Save(_savedPath, Node.Id, known); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // saving is a courtesy
        }
        await Node.DisposeAsync();
    }
}
