namespace MeTorrent.Tests.Support.Seeders;

/// <summary>How a <see cref="TestSeeder"/> behaves — well by default; each switch makes it misbehave in one way.</summary>
public sealed record TestSeederOptions
{
    /// <summary>Announce and use the fast extension (BEP 6): have all instead of a bitfield, rejects.</summary>
    public bool Fast { get; init; }

    /// <summary>Which pieces it has (null = all).</summary>
    public Func<int, bool>? HasPiece { get; init; }

    /// <summary>Answers "interested" with nothing: the downloader waits forever.</summary>
    public bool NeverUnchoke { get; init; }

    /// <summary>Flips a byte in every block it serves.</summary>
    public bool CorruptData { get; init; }

    /// <summary>Closes the connection after serving this many blocks (0 = never).</summary>
    public int DisconnectAfterBlocks { get; init; }

    /// <summary>Chokes once after serving this many blocks, then unchokes again (0 = never).</summary>
    public int ChokeAfterBlocks { get; init; }

    /// <summary>Before each real block, sends a block nobody asked for.</summary>
    public bool SendUnrequestedPiece { get; init; }

    /// <summary>Answers the first request with a piece message whose length prefix says 1 MiB.</summary>
    public bool SendOversizedMessage { get; init; }

    /// <summary>Sets the spare bits at the end of its bitfield.</summary>
    public bool BitfieldSpareBits { get; init; }

    /// <summary>After its bitfield, announces a have for a piece past the end.</summary>
    public bool HaveOutOfRange { get; init; }

    /// <summary>Answers the handshake with a different info hash.</summary>
    public bool WrongInfoHash { get; init; }

    /// <summary>Before its bitfield, sends a keep-alive, a message with an unknown id and a port message.</summary>
    public bool SendExtras { get; init; }

    /// <summary>Waits this long before answering the handshake.</summary>
    public TimeSpan HandshakeDelay { get; init; }

    /// <summary>Never serves a block: sends only keep-alives, every 100 ms (unchoking when asked unless <see cref="NeverUnchoke"/>).</summary>
    public bool KeepAliveOnly { get; init; }

    /// <summary>Answers "interested" with this many choke/unchoke pairs, as fast as the socket takes them (0 = none).</summary>
    public int ChokeFloodPairs { get; init; }
}
