using System.Net;
using MeTorrent.Download.Demo;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Tests.Download.Loop;

/// <summary>
/// A <see cref="TorrentLoop"/> with no sockets, disk or threads: tests join peers, feed it messages and
/// clock ticks, and read the commands it decided (each peer's outbox) and what it asked of the engine.
/// The torrent has 4 pieces of 4 blocks (the last piece shorter: 2 blocks, the second one short).
/// </summary>
internal sealed class LoopHarness : IDisposable
{
    public const int PieceLength = 4 * Blocks.Size;
    private readonly string _folder;
    private int _nextPort = 1000;

    public LoopHarness(EngineOptions? options = null, bool complete = false)
    {
        _folder = SwarmHelpers.TempFolder();
        string path = Path.Combine(_folder, "data.bin");
        SamplePayload.WriteFile(path, 3 * PieceLength + Blocks.Size + 100, 7);
        Data = File.ReadAllBytes(path);
        Torrent = Torrent.Parse(SwarmHelpers.TorrentFor(path, PieceLength));
        Options = options ?? new EngineOptions();
        var have = new Bitfield(Torrent.PieceCount);
        if (complete)
            have.SetAll();
        State = new DownloadState(Torrent, have, Options.MaxInFlightBytes, new Random(3));
        Stats = new EngineStats { TotalBytes = Torrent.TotalLength, BytesAlreadyHad = Torrent.TotalLength - State.BytesLeft };
        Loop = new TorrentLoop(Torrent, State, Options, new PeerPool(TimeSpan.FromSeconds(5)), Stats, Effects, new Random(5));
    }

    public byte[] Data { get; }
    public Torrent Torrent { get; }
    public EngineOptions Options { get; }
    public DownloadState State { get; }
    public EngineStats Stats { get; }
    public FakeEffects Effects { get; } = new();
    public TorrentLoop Loop { get; }

    public static long Now => Environment.TickCount64;

    /// <summary>A peer joins (we dialled it, unless <paramref name="incoming"/>); its opening commands are taken.</summary>
    public PeerState Join(PeerFeatures features = PeerFeatures.Fast, bool incoming = false, int servesPending = 0)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, _nextPort++);
        var record = incoming ? Loop.Pool.AddIncoming(endPoint) : Loop.Pool.Add(endPoint);
        var peer = new PeerState(record, Torrent.PieceCount, features, Options, Now) { ServesPending = () => servesPending };
        Loop.OnPeerJoined(peer, Now);
        return peer;
    }

    /// <summary>A seeder that has sent have-all and unchoked us: its first requests are in its outbox.</summary>
    public PeerState JoinUnchokingSeeder(PeerFeatures features = PeerFeatures.Fast)
    {
        var peer = Join(features);
        Receive(peer, MessageId.HaveAll);
        Receive(peer, MessageId.Unchoke);
        return peer;
    }

    public void Receive(PeerState peer, MessageId id, int index = 0, int begin = 0, int length = 0, byte[]? payload = null) =>
        Loop.OnMessage(peer, new PeerMessage(id, index, begin, length, payload ?? ReadOnlyMemory<byte>.Empty), Now);

    /// <summary>The peer sends the right bytes for a block.</summary>
    public void Deliver(PeerState peer, BlockRequest block, bool corrupt = false)
    {
        var bytes = Data.AsSpan((int)((long)block.Piece * PieceLength + block.Begin), block.Length).ToArray();
        if (corrupt)
            bytes[0] ^= 0xFF;
        Receive(peer, MessageId.Piece, block.Piece, block.Begin, block.Length, bytes);
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

    /// <summary>The hasher's answer for every piece handed to it so far (the right answer, unless told otherwise).</summary>
    public void CheckPieces(bool? good = null)
    {
        foreach (var piece in Effects.TakeVerified())
        {
            bool matches = System.Security.Cryptography.SHA1.HashData(piece.ToArray()).AsSpan().SequenceEqual(Torrent.PieceHash(piece.Index));
            Loop.OnPieceChecked(piece, good ?? matches);
        }
    }

    public void Dispose() => SwarmHelpers.Delete(_folder);
}

/// <summary>A fixture whose tests each start with a fresh <see cref="LoopHarness"/> (<see cref="NewHarness"/> says which).</summary>
public abstract class LoopFixture
{
    internal LoopHarness H { get; private set; } = null!;

    internal virtual LoopHarness NewHarness() => new();

    [NUnit.Framework.SetUp]
    public void StartHarness() => H = NewHarness();

    [NUnit.Framework.TearDown]
    public void StopHarness() => H.Dispose();
}

/// <summary>What the loop asked of the engine, kept for the test to look at.</summary>
internal sealed class FakeEffects : ILoopEffects
{
    private readonly List<InFlightPiece> _verify = [];

    public List<PeerRecord> Dialled { get; } = [];
    public int CompletedCount { get; private set; }
    public List<EngineException> Failures { get; } = [];
    public List<string> Lines { get; } = [];

    public void Verify(InFlightPiece piece) => _verify.Add(piece);
    public void Dial(PeerRecord record) => Dialled.Add(record);
    public void Completed() => CompletedCount++;
    public void Failed(EngineException error) => Failures.Add(error);
    public void Log(string line) => Lines.Add(line);

    public string? TrackerTrouble { get; set; }

    public List<InFlightPiece> TakeVerified()
    {
        var pieces = _verify.ToList();
        _verify.Clear();
        return pieces;
    }
}
