using MeTorrent.Metainfo;
using System.Net;
using MeTorrent.Peer;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>`magnet_handshake &lt;link&gt;`: handshake and extension handshake with a peer of a magnet link (course stage).</summary>
public sealed class MagnetHandshakeCommand : ICommand, IHasOptions
{
    public string Name => "magnet_handshake";
    public string Summary => "exchange the handshake and extension handshake with a magnet link's peer";
    public string Help => $"""
        Usage: metorrent magnet_handshake [-v] <magnet-link> [--peer ip:port]...

        Finds a peer (the link's x.pe and --peer addresses, else its tracker), sends the BitTorrent
        handshake with the extension-protocol bit (BEP 10), then our extension handshake, and prints the
        peer's id and the id it wants ut_metadata messages under (BEP 9):
          Peer ID: 2d4c54323038302d...
          Peer Metadata Extension ID: 2
        Peers are tried in turn until one answers.

        Options:
          --peer IP:PORT   a peer to try (repeatable), e.g. 127.0.0.1:6881
          -v, --verbose    also print its client ("v") and the metadata size it announced
        {EncryptionOption.DialHelp(17)}

        Example:
          metorrent magnet_handshake "magnet:?xt=urn:btih:...&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce"
        """;

    public IReadOnlyList<string> ValueOptions => ["--peer", EncryptionOption.Name];
    public IReadOnlyList<string> FlagOptions => ["-v", "--verbose"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(1, 1, "one magnet link, e.g. metorrent magnet_handshake \"magnet:?xt=urn:btih:...\"");
        var dial = EncryptionOption.ParseDial(args);
        var magnet = MagnetInput.Parse(args.Positionals[0]);
        var peerId = PeerId.Generate();
        var peers = await MagnetInput.PeersAsync(magnet, args.Options("--peer").Select(PeerAddress.Parse).ToList(), peerId, cancellation);
        var failures = new List<string>();
        foreach (var endpoint in peers)
        {
            try
            {
                var (handshake, extensions) = await ExchangeAsync(endpoint, magnet.InfoHash, peerId, dial, cancellation);
                output.WriteLine($"Peer ID: {handshake.PeerIdHex}");
                output.WriteLine($"Peer Metadata Extension ID: {extensions.IdOf(ExtensionNames.UtMetadata)?.ToString() ?? "(none: it does not offer ut_metadata)"}");
                if (args.Flag("-v", "--verbose"))
                {
                    output.WriteLine($"Client: {Printable.Text(extensions.Client ?? handshake.ClientPrefix)}");
                    output.WriteLine($"Metadata Size: {extensions.MetadataSize?.ToString() ?? "(unknown)"}");
                }
                return 0;
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested && ErrorMessages.Describe(e) is { } why)
            {
                failures.Add($"{PeersCommand.Format(endpoint)}: {why}");
            }
        }
        throw new UserError($"no peer completed the extension handshake ({peers.Count} tried): {string.Join("; ", failures)}");
    }

    private static async Task<(Handshake, ExtensionHandshake)> ExchangeAsync(IPEndPoint endpoint, Metainfo.InfoHash infoHash, PeerId peerId,
        DialEncryption dial, CancellationToken cancellation)
    {
        var options = new PeerConnectionOptions
        {
            MetadataOnly = true, ConnectTimeout = TimeSpan.FromSeconds(5), ReadTimeout = TimeSpan.FromSeconds(15), DialEncryption = dial,
        };
        await using var peer = await PeerConnection.ConnectAsync(endpoint, infoHash, peerId, options, cancellation);
        if (!peer.SupportsExtensions)
            throw new PeerProtocolException($"peer {PeersCommand.Format(endpoint)} does not support the extension protocol (BEP 10)");
        await peer.SendExtensionHandshakeAsync(ExtensionHandshake.Ours(null, null, endpoint.Address), cancellation);
        while (true)
        {
            var message = await peer.ReceiveAsync(cancellation);
            if (message.Id == MessageId.Extended && message.Index == ExtensionNames.HandshakeId)
                return (peer.RemoteHandshake, peer.RemoteExtensions!);
        }
    }
}
