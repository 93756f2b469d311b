using System.Net;
using System.Net.Sockets;
using MeTorrent.Peer;
using MeTorrent.Tracker;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>`handshake &lt;file.torrent&gt; &lt;ip:port&gt;`: connects to one peer and prints its peer id (course stage).</summary>
public sealed class HandshakeCommand : ICommand, IHasOptions
{
    public string Name => "handshake";
    public string Summary => "exchange handshakes with a peer and print its peer id";
    public string Help => $"""
        Usage: metorrent handshake [-v] [--trace] [--encryption M] <file.torrent> <ip:port>

        Connects to the peer, sends the BitTorrent handshake for the torrent's info hash and prints
        the 20-byte peer id it answers with, as 40 hex digits:
          Peer ID: 2d4c54323038302d...
        The address is an IPv4 address with a port (127.0.0.1:6881) or a bracketed IPv6 one ([::1]:6881).

        Options:
          -v, --verbose     also print its client prefix (e.g. "-TR3000-" is Transmission 3.00), the
                            extensions it announced (BEP 10 extension protocol, BEP 6 fast, BEP 5 DHT) and
                            whether the connection is encrypted
          --trace           print both handshakes, and any message that follows, field by field on standard error
        {EncryptionOption.DialHelp(18)}

        Example:
          metorrent handshake sample.torrent 127.0.0.1:6881
        """;

    public IReadOnlyList<string> ValueOptions => [EncryptionOption.Name];
    public IReadOnlyList<string> FlagOptions => ["-v", "--verbose", .. TraceOption.Flags];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(2, 2, "a .torrent file and a peer address, e.g. metorrent handshake a.torrent 127.0.0.1:6881");
        var dial = EncryptionOption.ParseDial(args);
        var torrent = InputFiles.ReadTorrent(args.Positionals[0]);
        var endpoint = PeerAddress.Parse(args.Positionals[1]);
        await using var trace = TraceOption.Open(args, Console.Error);
        var options = new PeerConnectionOptions { PieceCount = torrent.PieceCount, Trace = trace?.Observer, DialEncryption = dial };

        await using var peer = await ConnectAsync(endpoint, torrent, options, cancellation);
        var handshake = peer.RemoteHandshake;
        output.WriteLine($"Peer ID: {handshake.PeerIdHex}");
        if (!args.Flag("-v", "--verbose"))
            return 0;
        output.WriteLine($"Client: {(handshake.ClientPrefix.Length > 0 ? handshake.ClientPrefix : "(unknown)")}");
        output.WriteLine($"Extensions: {handshake.Features}");
        output.WriteLine($"Encryption: {(peer.EncryptedHandshake ? $"MSE, {peer.EncryptionMethod}" : "none")}");
        return 0;
    }

    private static async Task<PeerConnection> ConnectAsync(IPEndPoint endpoint, Metainfo.Torrent torrent, PeerConnectionOptions options, CancellationToken cancellation)
    {
        try
        {
            return await PeerConnection.ConnectAsync(endpoint, torrent.InfoHash, PeerId.Generate(), options, cancellation);
        }
        catch (SocketException e)
        {
            throw new UserError($"cannot connect to {PeersCommand.Format(endpoint)}: {e.Message}");
        }
    }
}
