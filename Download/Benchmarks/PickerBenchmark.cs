using System.Diagnostics;
using MeTorrent.Bencode;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Download.Benchmarks;

/// <summary>
/// The engine's bookkeeping CPU per piece, in memory (no disk, no network, no hashing), for torrents of
/// growing size: piece picking alone (<see cref="PiecePicker"/>), and a whole simulated download through
/// the torrent's loop (<see cref="TorrentLoop"/>: bitfields, unchokes, top-ups, every block received, every
/// piece checked and announced to the peers that lack it) from a swarm of peers
/// that each lack a random tenth of the pieces. Pieces are one 16 KiB block, so the per-piece work is as
/// large a share as it can be. Flat figures from 1,000 to 1,000,000 pieces mean nothing scans the torrent.
/// </summary>
public static class PickerBenchmark
{
    public const int PieceLength = 16 * 1024;

    /// <param name="PickerMicroseconds">CPU per piece to pick it, start it and mark it had</param>
    /// <param name="EngineMicroseconds">CPU per piece of the whole simulated download</param>
    public sealed record Result(int Pieces, int Peers, double PickerMicroseconds, double EngineMicroseconds, long EngineAllocatedPerPiece);

    public static Result Run(int pieceCount, int peerCount, int seed = 1)
    {
        var random = new Random(seed);
        var peers = new PeerSet(pieceCount, peerCount, random);
        double picker = Cpu(() => PickAll(pieceCount, peers, new Random(seed))) / pieceCount;
        var torrent = MakeTorrent(pieceCount, random);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        double engine = Cpu(() => DownloadAll(torrent, peers, new Random(seed))) / pieceCount;
        allocated = (GC.GetAllocatedBytesForCurrentThread() - allocated) / pieceCount;
        return new Result(pieceCount, peerCount, picker, engine, allocated);
    }

    private static void PickAll(int pieceCount, PeerSet peers, Random random)
    {
        var picker = new PiecePicker(new Bitfield(pieceCount), random);
        foreach (var bits in peers.Pieces)
            picker.PeerHasAll(bits);
        for (int done = 0, turn = 0; done < pieceCount; turn++)
        {
            int who = turn % peers.Count;
            int piece = picker.PickNew(peers.Pieces[who], peers.Records[who]);
            if (piece < 0)
                piece = picker.PickNew(peers.Seeder, peers.Records[0]);
            picker.SetStatus(piece, PieceStatus.InFlight);
            picker.SetStatus(piece, PieceStatus.Have);
            picker.PeerHas(random.Next(pieceCount));   // the swarm keeps announcing pieces
            done++;
        }
    }

    /// <summary>
    /// The whole download through the torrent's loop, as the engine drives it minus sockets, disk and
    /// hashing: peers join and send their bitfields and unchokes, every request the loop decides is
    /// answered with its block, every completed piece is reported good.
    /// </summary>
    private static void DownloadAll(Torrent torrent, PeerSet peers, Random random)
    {
        var options = new EngineOptions();
        var state = new DownloadState(torrent, new Bitfield(torrent.PieceCount), options.MaxInFlightBytes, random);
        var effects = new BenchEffects();
        var loop = new TorrentLoop(torrent, state, options, new PeerPool(options.RetryDelay), new EngineStats(), effects, random);
        long now = Environment.TickCount64;
        var joined = new List<PeerState>();
        for (int i = 0; i < peers.Count; i++)
        {
            var peer = new PeerState(peers.Records[i], torrent.PieceCount, PeerFeatures.Fast, options, now);
            loop.OnPeerJoined(peer, now);
            loop.OnMessage(peer, new PeerMessage(MessageId.Bitfield, 0, 0, 0, peers.Pieces[i].ToBytes()), now);
            loop.OnMessage(peer, new PeerMessage(MessageId.Unchoke, 0, 0, 0, default), now);
            joined.Add(peer);
        }
        var asked = new List<BlockRequest>();
        while (!state.IsComplete)
        {
            foreach (var peer in joined)
            {
                asked.Clear();
                foreach (var command in peer.Outbox)
                    if (command.Kind == CommandKind.Request)
                        asked.Add(command.Block);
                peer.Outbox.Clear();
                foreach (var block in asked)
                {
                    var data = state.BlockPool.Rent();
                    if (!loop.OnBlock(peer, block, data, now))
                        state.BlockPool.Return(data);
                    foreach (var piece in effects.TakeVerified())
                        loop.OnPieceChecked(piece, good: true);
                }
            }
        }
    }

    /// <summary>What the loop asks of the engine, answered at once: completed pieces are "hashed" (reported good).</summary>
    private sealed class BenchEffects : ILoopEffects
    {
        public string? TrackerTrouble => null;   // no trackers: peers are given

        private readonly List<InFlightPiece> _verify = [];

        public void Verify(InFlightPiece piece) => _verify.Add(piece);

        public List<InFlightPiece> TakeVerified()
        {
            if (_verify.Count == 0)
                return _verify;
            var pieces = _verify.ToList();
            _verify.Clear();
            return pieces;
        }

        public void Dial(PeerRecord record) { }
        public void Completed() { }
        public void Failed(EngineException error) => throw error;
        public void Log(string line) { }
    }

    /// <summary>CPU milliseconds (all threads of the process) spent in <paramref name="work"/>, as microseconds.</summary>
    private static double Cpu(Action work)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        work();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds;
    }

    /// <summary>A single-file torrent of <paramref name="pieceCount"/> one-block pieces with made-up hashes (nothing is hashed).</summary>
    private static Torrent MakeTorrent(int pieceCount, Random random)
    {
        var hashes = new byte[(long)pieceCount * Torrent.HashLength];
        random.NextBytes(hashes);
        var info = new BDictionary
        {
            { "length", new BInteger((long)pieceCount * PieceLength) },
            { "name", new BString("picker-bench") },
            { "piece length", new BInteger(PieceLength) },
            { "pieces", new BString(hashes) },
        };
        return Torrent.Parse(BencodeEncoder.Encode(new BDictionary { { "info", info } }));
    }

    /// <summary>The simulated swarm: peer 0 is a seeder, the others lack a random tenth of the pieces.</summary>
    private sealed class PeerSet
    {
        public PeerSet(int pieceCount, int count, Random random)
        {
            Seeder = new Bitfield(pieceCount);
            Seeder.SetAll();
            for (int i = 0; i < count; i++)
            {
                var bits = new Bitfield(pieceCount);
                for (int p = 0; p < pieceCount; p++)
                    bits[p] = i == 0 || random.Next(10) != 0;
                Pieces.Add(bits);
                Records.Add(new PeerRecord(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 10_000 + i)));
            }
        }

        public Bitfield Seeder { get; }

        public List<Bitfield> Pieces { get; } = [];

        public List<PeerRecord> Records { get; } = [];

        public int Count => Pieces.Count;
    }
}
