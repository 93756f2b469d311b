using MeTorrent.Download.Progress;

namespace MeTorrent.Download.Cli;

/// <summary>`--trace` and `--trace-peer ip:port` (which implies --trace): the protocol, message by message, on standard error.</summary>
public static class TraceOption
{
    public const string Help = """
          --trace         print every handshake and message in and out, one line each, on standard error:
                            12:00:01.204 127.0.0.1:6881 ← piece index=3 begin=16384 block=16384 bytes
          --trace-peer A  the same, for the peer at ip:port only
        """;

    public static readonly string[] Flags = ["--trace"];
    public static readonly string[] Values = ["--trace-peer"];

    /// <summary>A trace writer to stderr if asked for (dispose it at the end: it prints what is still queued), else null.</summary>
    public static TraceWriter? Open(CommandLine args, TextWriter errors)
    {
        var peer = args.Option("--trace-peer") is { } address ? PeerAddress.Parse(address) : null;
        return peer is not null || args.Flag("--trace") ? new TraceWriter(errors, peer) : null;
    }
}
