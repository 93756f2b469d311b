using System.Net;
using System.Security.Cryptography;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Metainfo.Lesson;

namespace MeTorrent.Tests.Download.Lesson;

/// <summary>
/// The engine's torrent loop with no sockets, disk or threads (as Tests/Download/Loop's LoopHarness): a test joins
/// peers, feeds the loop their messages, and reads the commands it decided (each peer's outbox). The torrent has
/// <c>pieces</c> pieces of 4 blocks; at most <c>inFlight</c> pieces are fetched at once (the memory limit).
/// </summary>
internal sealed class LessonLoop
{
    public const int BlocksPerPiece = 4;
    public const int PieceLength = BlocksPerPiece * Blocks.Size;
    private int _nextPort = 1000;

    public LessonLoop(int pieces = 8, int inFlight = 4)
    {
        Data = LessonTorrent.Content(pieces * PieceLength);
        Torrent = Torrent.Parse(LessonTorrent.SingleFile("http://127.0.0.1:1/announce", "loop.bin", PieceLength, Data).Bytes);
        var options = new EngineOptions { MaxInFlightBytes = (long)inFlight * PieceLength };
        State = new DownloadState(Torrent, new Bitfield(Torrent.PieceCount), options.MaxInFlightBytes, new Random(3));
        Options = options;
        Loop = new TorrentLoop(Torrent, State, options, new PeerPool(TimeSpan.FromSeconds(5)), new EngineStats(), Effects, new Random(5));
    }

    public byte[] Data { get; }
    public Torrent Torrent { get; }
    public EngineOptions Options { get; }
    public DownloadState State { get; }
    public Hasher Effects { get; } = new();
    public TorrentLoop Loop { get; }

    private static long Now => Environment.TickCount64;

    /// <summary>A peer joins and says which pieces it has (all of them unless told); it still chokes us.</summary>
    public PeerState Join(params int[] has)
    {
        var record = Loop.Pool.Add(new IPEndPoint(IPAddress.Loopback, _nextPort++));
        var peer = new PeerState(record, Torrent.PieceCount, PeerFeatures.Fast, Options, Now);
        Loop.OnPeerJoined(peer, Now);
        if (has.Length == 0)
            Receive(peer, MessageId.HaveAll);
        else
        {
            var pieces = new Bitfield(Torrent.PieceCount);
            foreach (int i in has)
                pieces[i] = true;
            Receive(peer, MessageId.Bitfield, payload: pieces.ToBytes());
        }
        Take(peer);
        return peer;
    }

    public void Receive(PeerState peer, MessageId id, int index = 0, int begin = 0, int length = 0, byte[]? payload = null) =>
        Loop.OnMessage(peer, new PeerMessage(id, index, begin, length, payload ?? ReadOnlyMemory<byte>.Empty), Now);

    public void Choke(PeerState peer) => Receive(peer, MessageId.Choke);

    public void Unchoke(PeerState peer) => Receive(peer, MessageId.Unchoke);

    public void Reject(PeerState peer, BlockRequest block) => Receive(peer, MessageId.Reject, block.Piece, block.Begin, block.Length);

    public void Leave(PeerState peer) => Loop.OnPeerLeft(peer, "the test closed it");

    /// <summary>The peer sends a block: its true bytes, or with the first byte changed.</summary>
    public void Deliver(PeerState peer, BlockRequest block, bool corrupt = false)
    {
        var bytes = Data.AsSpan(block.Piece * PieceLength + block.Begin, block.Length).ToArray();
        if (corrupt)
            bytes[0] ^= 0xFF;
        Receive(peer, MessageId.Piece, block.Piece, block.Begin, block.Length, bytes);
    }

    /// <summary>The hasher's verdict on every piece the loop handed to it so far (SHA-1 against the torrent).</summary>
    public void CheckPieces()
    {
        foreach (var piece in Effects.TakeVerified())
            Loop.OnPieceChecked(piece, SHA1.HashData(piece.ToArray()).AsSpan().SequenceEqual(Torrent.PieceHash(piece.Index)));
    }

    /// <summary>The commands decided for the peer since the last call.</summary>
    public static List<PeerCommand> Take(PeerState peer)
    {
        var commands = peer.Outbox.ToList();
        peer.Outbox.Clear();
        return commands;
    }

    public static List<BlockRequest> Requests(IEnumerable<PeerCommand> commands) =>
        commands.Where(c => c.Kind == CommandKind.Request).Select(c => c.Block).ToList();

    public static List<BlockRequest> Cancels(IEnumerable<PeerCommand> commands) =>
        commands.Where(c => c.Kind == CommandKind.Cancel).Select(c => c.Block).ToList();

    public static string Show(IEnumerable<BlockRequest> blocks) =>
        string.Join(", ", blocks.Select(b => $"{b.Piece}:{b.Begin / Blocks.Size}"));
}

/// <summary>What the loop asks of the engine: pieces to hash (kept for <see cref="LessonLoop.CheckPieces"/>), the rest ignored.</summary>
internal sealed class Hasher : ILoopEffects
{
    public string? TrackerTrouble => null;

    private readonly List<InFlightPiece> _verify = [];

    public void Verify(InFlightPiece piece) => _verify.Add(piece);
    public void Dial(PeerRecord record) { }
    public void Completed() { }
    public void Failed(EngineException error) => throw new InvalidOperationException("the loop gave up: " + error.Message, error);
    public void Log(string line) { }

    public List<InFlightPiece> TakeVerified()
    {
        var pieces = _verify.ToList();
        _verify.Clear();
        return pieces;
    }
}
