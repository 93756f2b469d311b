using System.Diagnostics;
using System.Globalization;
using System.Net;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `download_piece -o &lt;path&gt; &lt;file.torrent&gt; &lt;index&gt;`: gets one piece from the tracker's peers (or
/// from --peer addresses), checks its SHA-1 and writes it (course stage). Peers are tried in turn.
/// </summary>
public sealed class DownloadPieceCommand : ICommand, IHasOptions
{
    public string Name => "download_piece";
    public string Summary => "download one piece from a peer and check its SHA-1";
    public string Help => $"""
        Usage: metorrent download_piece -o <path> <file.torrent> <piece-index> [--peer ip:port]... [--timeout S]

        Asks the torrent's tracker for peers (or uses the --peer addresses instead), then from one peer
        at a time: handshake, interested, wait for unchoke, request the piece in 16 KiB blocks (several
        in flight), check its SHA-1 and write it to <path>. A peer that fails is skipped for the next.
        The folder of <path> is created if needed; an existing file there is replaced.

        Options:
          -o, --output PATH   where to write the piece (required)
          --peer IP:PORT      a peer to use instead of the tracker (repeatable), e.g. 127.0.0.1:6881 or [::1]:6881
          --timeout S         give up on a peer that sends no block for S seconds, choked or not (default 60)
          --trace             print every handshake and message in and out, one line each, on standard error
          --trace-peer A      the same, for the peer at ip:port only
        {EncryptionOption.DialHelp(20)}

        Example:
          metorrent download_piece -o /tmp/test-piece-0 sample.torrent 0
        """;

    public IReadOnlyList<string> ValueOptions => ["-o", "--output", "--peer", "--timeout", EncryptionOption.Name, .. TraceOption.Values];
    public IReadOnlyList<string> FlagOptions => [.. TraceOption.Flags];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "a .torrent file and a piece index, e.g. metorrent download_piece -o piece0 a.torrent 0");
        string path = args.Option("-o", "--output") ?? throw new UserError("option -o <path> is required");
        var dial = EncryptionOption.ParseDial(args);
        var torrent = InputFiles.ReadTorrent(args.Positionals[0]);
        if (!int.TryParse(args.Positionals[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= torrent.PieceCount)
            throw new UserError($"piece index must be 0..{torrent.PieceCount - 1}, not \"{args.Positionals[1]}\"");
        if (Directory.Exists(path))
            throw new UserError($"{path} is a folder; -o needs a file name");
        InputFiles.RefuseOverwritingTheTorrent(args.Positionals[0], path);
        var noProgress = TimeSpan.FromSeconds(args.IntOption(60, 1, 86400, "--timeout"));
        await using var trace = TraceOption.Open(args, Console.Error);
        var peerId = PeerId.Generate();
        var peers = args.Options("--peer").Select(PeerAddress.Parse).ToList();
        if (peers.Count == 0)
            peers = await PeersFromTrackerAsync(torrent, peerId, cancellation);
        return await DownloadAsync(torrent, index, path, peers, peerId, noProgress, output, cancellation, trace?.Observer, dial);
    }

    /// <summary>
    /// Tries <paramref name="peers"/> in turn for piece <paramref name="index"/> and writes it to <paramref name="path"/>;
    /// a peer that sends no block for <paramref name="noProgress"/> is given up. <paramref name="dial"/>: how each is dialled.
    /// </summary>
    public static async Task<int> DownloadAsync(Torrent torrent, int index, string path, IReadOnlyList<IPEndPoint> peers, PeerId peerId,
        TimeSpan noProgress, TextWriter output, CancellationToken cancellation, WireObserver? trace = null, DialEncryption dial = DialEncryption.PlainThenMse)
    {
        var piece = new byte[torrent.PieceSize(index)];
        var failures = new List<string>();
        foreach (var endpoint in peers)
        {
            try
            {
                await DownloadFromAsync(endpoint, torrent, index, peerId, piece, noProgress, trace, dial, cancellation);
                // Writing is outside the peer's try: a full disk or a bad path is not the peer's fault.
                await WriteAsync(path, piece, cancellation);
                output.WriteLine($"Piece {index} downloaded to {path}.");
                return 0;
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested && e is not UserError && ErrorMessages.Describe(e) is { } why)
            {
                string peer = PeersCommand.Format(endpoint);
                failures.Add(why.Contains(peer, StringComparison.Ordinal) ? why : $"{peer}: {why}");
            }
        }
        throw new UserError($"no peer gave piece {index} ({peers.Count} tried): {string.Join("; ", failures)}");
    }

    private static async Task WriteAsync(string path, byte[] piece, CancellationToken cancellation)
    {
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
                Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(path, piece, cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot write {path}: {e.Message}");
        }
    }

    private static async Task DownloadFromAsync(IPEndPoint endpoint, Torrent torrent, int index, PeerId peerId,
        byte[] piece, TimeSpan noProgress, WireObserver? trace, DialEncryption dial, CancellationToken cancellation)
    {
        var options = new PeerConnectionOptions
        {
            Trace = trace,
            DialEncryption = dial,
            PieceCount = torrent.PieceCount,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReadTimeout = TimeSpan.FromSeconds(30), // Transmission unchokes only on its 10 s timer
            // One piece needs no BEP 10 extension: without the bit, peers send no extension handshake to read
            // (so lesson 04's download_piece runs whether or not lesson 08's extension messages are written).
            Features = PeerFeatures.Fast,
        };
        await using var peer = await PeerConnection.ConnectAsync(endpoint, torrent.InfoHash, peerId, options, cancellation);
        if (peer.SupportsFast)
            await peer.SendBitfieldAsync(new Bitfield(torrent.PieceCount), cancellation); // "have none" (BEP 6)
        // Keep-alives reset the read time-out but are no progress: the peer gets noProgress per block, not per message.
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var download = new PieceDownloader().DownloadAsync(peer, index, piece.Length, torrent.PieceHash(index).ToArray(), piece, stalled.Token);
        long received = 0;
        var sinceProgress = Stopwatch.StartNew();
        while (!download.IsCompleted)
        {
            await Task.WhenAny(download, Task.Delay(TimeSpan.FromMilliseconds(250), cancellation));
            if (peer.BytesReceived != received)
            {
                received = peer.BytesReceived;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed >= noProgress)
            {
                await stalled.CancelAsync();
                break;
            }
        }
        try
        {
            await download;
        }
        catch (OperationCanceledException) when (stalled.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"peer {endpoint} sent no block for {noProgress.TotalSeconds:0} s " +
                                       $"({(peer.PeerChoking ? "it kept us choked" : "unchoked")}, {received} bytes received)");
        }
    }

    /// <summary>One announce (BEP 12 tier order, HTTP or UDP) for the peer list.</summary>
    private static async Task<List<IPEndPoint>> PeersFromTrackerAsync(Torrent torrent, PeerId peerId, CancellationToken cancellation)
    {
        if (torrent.TrackerTiers.Count == 0)
            throw new UserError("the torrent lists no trackers: give peers with --peer ip:port");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(15) });
        using var trackers = new MultiTracker(torrent.TrackerTiers, http);
        var request = new AnnounceRequest(torrent.InfoHash, peerId, 6881)
        {
            Left = torrent.TotalLength,
            Event = AnnounceEvent.Started,
            Key = (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L),
        };
        var response = await trackers.AnnounceAsync(request, cancellation);
        if (response.Peers.Count == 0)
            throw new UserError("the tracker knows no peers for this torrent");
        return [.. response.Peers];
    }
}
