using System.Net;
using MeTorrent.Download.Pex;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// The loop's view of one connection: the four flags of BEP 3, the peer's pieces, what it owes us (its
/// part of the request ledger), its rates and clocks, and the commands decided for it and not yet handed
/// to its writer. Only the loop touches it, so nothing here needs a lock.
/// </summary>
public sealed class PeerState
{
    public PeerState(PeerRecord record, int pieceCount, PeerFeatures features, EngineOptions options, long now)
    {
        Record = record;
        Features = features;
        Pieces = new Bitfield(pieceCount);
        Requests = new PeerRequests(record);
        Depth = new QueueDepth(options.MinQueueDepth, options.MaxQueueDepth, now);
        ConnectedTicks = LastBlockTicks = LastKeepAliveTicks = ChokedSinceTicks = now;
    }

    public PeerRecord Record { get; }

    public PeerFeatures Features { get; }

    public bool SupportsFast => Features.HasFlag(PeerFeatures.Fast);

    public bool SupportsExtensions => Features.HasFlag(PeerFeatures.Extensions);

    public bool AmChoking { get; set; } = true;
    public bool AmInterested { get; set; }
    public bool PeerChoking { get; set; } = true;
    public bool PeerInterested { get; set; }

    /// <summary>The pieces the peer has, from its bitfield, have all / have none and haves.</summary>
    public Bitfield Pieces { get; }

    /// <summary>Its pieces count towards availability (after its bitfield or first have).</summary>
    public bool AvailabilityCounted { get; set; }

    /// <summary>The blocks it owes us: its part of the one request ledger.</summary>
    public PeerRequests Requests { get; }

    /// <summary>How many requests to keep in flight to it (about a second of its rate).</summary>
    public QueueDepth Depth { get; }

    /// <summary>Its extension handshake (BEP 10), once received.</summary>
    public ExtensionHandshake? Extensions { get; set; }

    public PexIntake? PexIntake { get; set; }

    public PexSender? PexSender { get; set; }

    /// <summary>Payload bytes we sent it, as its writer reports them (for the choker's upload rate).</summary>
    public Func<long> BytesSent { get; init; } = () => 0;

    public UploadRate UploadRate { get; } = new();

    public long BlocksReceived { get; set; }

    public long ConnectedTicks { get; }
    public long LastBlockTicks { get; set; }
    public long LastKeepAliveTicks { get; set; }

    /// <summary>Since when we want its pieces while it chokes us (long.MaxValue while unchoked).</summary>
    public long ChokedSinceTicks { get; set; }

    /// <summary>When it last choked us (0: never): requests older than that and unanswered after a grace are dropped.</summary>
    public long LastChokeTicks { get; set; }

    /// <summary>Requests we withdrew that a BEP 6 peer will still answer (with the block or a reject).</summary>
    public HashSet<BlockRequest> Cancelled { get; } = [];

    /// <summary>Its requests queued at its writer and not yet sent (the writer counts them down): a bound against request floods.</summary>
    public Func<int> ServesPending { get; init; } = () => 0;

    /// <summary>Why the loop closed it, once it did: no more commands are decided for it.</summary>
    public string? ClosedBecause { get; private set; }

    public bool IsClosed => ClosedBecause is not null;

    /// <summary>The commands decided and not yet taken by the engine for the writer.</summary>
    public List<PeerCommand> Outbox { get; } = [];

    /// <summary>The address to give others in PEX: where we dialled it, or its listen port if it dialled us; null if unknown.</summary>
    public IPEndPoint? DialableEndPoint => Record.IsIncoming
        ? Extensions?.ListenPort is int port and > 0 ? new IPEndPoint(Record.EndPoint.Address, port) : null
        : Record.EndPoint;

    public void Send(PeerCommand command)
    {
        if (!IsClosed)
            Outbox.Add(command);
    }

    public void Close(string reason)
    {
        if (IsClosed)
            return;
        ClosedBecause = reason;
        Outbox.Add(PeerCommand.Close(reason));
    }

    public override string ToString() => Record.ToString();
}
