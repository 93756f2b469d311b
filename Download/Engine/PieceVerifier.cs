using System.Security.Cryptography;
using System.Threading.Channels;
using MeTorrent.Download.Storage;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Checks completed pieces off the loop: SHA-1 against the torrent, then — only if it matches — one write
/// of the whole piece to disk. Each result goes back to the loop as <see cref="PieceChecked"/>, which
/// decides what follows (haves, blame, bans). One worker per core.
/// </summary>
internal sealed class PieceVerifier
{
    private readonly TorrentStorage _storage;
    private readonly Func<PieceChecked, ValueTask> _report;
    private readonly Channel<InFlightPiece> _queue = Channel.CreateUnbounded<InFlightPiece>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task[] _workers;

    public PieceVerifier(TorrentStorage storage, int workers, Func<PieceChecked, ValueTask> report)
    {
        _storage = storage;
        _report = report;
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>Queues a complete piece (called by the loop; the piece is the verifier's until it reports back).</summary>
    public void Enqueue(InFlightPiece piece) => _queue.Writer.TryWrite(piece);

    /// <summary>Finishes the pieces already queued (they are whole: worth keeping), then stops the workers.</summary>
    public async Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task WorkAsync()
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        await foreach (var piece in _queue.Reader.ReadAllAsync())
            await _report(Check(piece, sha1));
    }

    private PieceChecked Check(InFlightPiece piece, IncrementalHash sha1)
    {
        Span<byte> hash = stackalloc byte[Metainfo.Torrent.HashLength];
        foreach (var block in piece.Data())
            sha1.AppendData(block.Span);
        sha1.GetHashAndReset(hash);
        bool good = hash.SequenceEqual(_storage.Torrent.PieceHash(piece.Index));
        if (!good)
            return new PieceChecked(piece, false, null);
        try
        {
            _storage.WritePiece(piece.Index, piece.Data());
            return new PieceChecked(piece, true, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PieceChecked(piece, false, e);   // a full or failing disk: the download cannot go on
        }
    }
}
