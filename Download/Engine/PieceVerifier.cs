using System.Security.Cryptography;
using System.Threading.Channels;
using MeTorrent.Download.Storage;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Checks completed pieces off the loop: SHA-1 against the torrent, then — only if it matches — the write of
/// the whole piece to disk. Each result goes back to the loop as <see cref="PieceChecked"/>, which decides what
/// follows (haves, blame, bans). Hashing runs on one worker per core; writing on a single writer, so writes
/// never overlap: two threads writing one file at once make the kernel spin on the file's lock (on the 1 GiB
/// swarm benchmark, a fifth of the time spent in writes went to that spinning).
/// </summary>
internal sealed class PieceVerifier
{
    private readonly TorrentStorage _storage;
    private readonly Func<PieceChecked, ValueTask> _report;
    private readonly Channel<InFlightPiece> _toHash = Channel.CreateUnbounded<InFlightPiece>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<InFlightPiece> _toWrite = Channel.CreateUnbounded<InFlightPiece>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task[] _hashers;
    private readonly Task _writer;

    public PieceVerifier(TorrentStorage storage, int hashers, Func<PieceChecked, ValueTask> report)
    {
        _storage = storage;
        _report = report;
        _hashers = Enumerable.Range(0, Math.Max(1, hashers)).Select(_ => Task.Run(HashAsync)).ToArray();
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Queues a complete piece (called by the loop; the piece is the verifier's until it reports back).</summary>
    public void Enqueue(InFlightPiece piece) => _toHash.Writer.TryWrite(piece);

    /// <summary>Finishes the pieces already queued (they are whole: worth keeping), then stops the workers.</summary>
    public async Task DrainAsync()
    {
        _toHash.Writer.TryComplete();
        await Task.WhenAll(_hashers);
        _toWrite.Writer.TryComplete();
        await _writer;
    }

    private async Task HashAsync()
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        await foreach (var piece in _toHash.Reader.ReadAllAsync())
        {
            if (Matches(piece, sha1))
                _toWrite.Writer.TryWrite(piece);
            else
                await _report(new PieceChecked(piece, false, null));
        }
    }

    private async Task WriteAsync()
    {
        await foreach (var piece in _toWrite.Reader.ReadAllAsync())
            await _report(Write(piece));
    }

    private bool Matches(InFlightPiece piece, IncrementalHash sha1)
    {
        Span<byte> hash = stackalloc byte[Metainfo.Torrent.HashLength];
        foreach (var block in piece.Data())
            sha1.AppendData(block.Span);
        sha1.GetHashAndReset(hash);
        return hash.SequenceEqual(_storage.Torrent.PieceHash(piece.Index));
    }

    private PieceChecked Write(InFlightPiece piece)
    {
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
