using System.Net;
using MeTorrent.Bencode;

namespace MeTorrent.Peer;

/// <summary>
/// The extension handshake (BEP 10): extended message 0, a bencoded dictionary sent once after the
/// BitTorrent handshake by each side that set the extension bit. <see cref="Ids"/> maps extension names to
/// the ids the sender wants to receive them under ("m"); the rest are hints: <see cref="MetadataSize"/>
/// (BEP 9, the info dictionary's length), "p" (listen port), "v" (client), "reqq" (request queue),
/// "yourip" (our address as the sender sees it). Unknown keys are ignored, as BEP 10 asks.
/// </summary>
public sealed record ExtensionHandshake
{
    /// <summary>A handshake larger than this is refused: real ones are a few hundred bytes.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Most entries accepted in "m" (libtorrent sends about ten).</summary>
    public const int MaxExtensions = 128;

    /// <summary>"v" is cut to this many characters.</summary>
    public const int MaxClientLength = 64;

    /// <summary>Extension name → the id the sender receives it under (ids 1–255; 0 means "disabled" and is left out).</summary>
    public IReadOnlyDictionary<string, byte> Ids { get; init; } = new Dictionary<string, byte>();

    /// <summary>BEP 9: the info dictionary's size in bytes, when the sender has it.</summary>
    public long? MetadataSize { get; init; }

    /// <summary>"p": the TCP port the sender listens on.</summary>
    public int? ListenPort { get; init; }

    /// <summary>"v": the sender's client name and version, e.g. "libtorrent 2.0.8" (printable, at most 64 characters).</summary>
    public string? Client { get; init; }

    /// <summary>"reqq": how many outstanding requests the sender queues.</summary>
    public int? RequestQueue { get; init; }

    /// <summary>"yourip": the receiver's address as the sender sees it.</summary>
    public IPAddress? YourIp { get; init; }

    /// <summary>The id to send <paramref name="extension"/> messages to this side under, or null if it does not support it.</summary>
    public byte? IdOf(string extension) => Ids.TryGetValue(extension, out byte id) ? id : null;

    /// <summary>Ours: ut_metadata and ut_pex, our client name, reqq; metadata_size when we have the metadata.</summary>
    public static ExtensionHandshake Ours(long? metadataSize, int? listenPort, IPAddress? peerAddress) => new()
    {
        Ids = new Dictionary<string, byte> { [ExtensionNames.UtMetadata] = ExtensionNames.UtMetadataId, [ExtensionNames.UtPex] = ExtensionNames.UtPexId },
        MetadataSize = metadataSize,
        ListenPort = listenPort,
        Client = ExtensionNames.ClientVersion,
        RequestQueue = ExtensionNames.OurRequestQueue,
        YourIp = peerAddress,
    };

    // LESSON 08-extensions.extension-handshake: the bencoded dictionary: "m" maps each name in Ids to its id; "metadata_size", "p", "v", "reqq" and "yourip" (the address's raw 4 or 16 bytes) only when set.
    public byte[] Encode()
    {
        // STUB: throw new NotImplementedException("Lesson 08 step 1 (extension handshake): BEP 10: the handshake is one bencoded dictionary whose \"m\" gives, for each extension we support, the message id the peer must use to send it to us; every other key is optional and left out when we have nothing to say. Stuck? Lessons/08-Extensions/HINTS.md");
        // BEGIN SOLUTION
        var m = new BDictionary();
        foreach (var (name, id) in Ids)
            m.Add(name, new BInteger(id));
        var dictionary = new BDictionary { { "m", m } };
        if (MetadataSize is { } size) dictionary.Add("metadata_size", new BInteger(size));
        if (ListenPort is { } port) dictionary.Add("p", new BInteger(port));
        if (Client is { } client) dictionary.Add("v", new BString(client));
        if (RequestQueue is { } reqq) dictionary.Add("reqq", new BInteger(reqq));
        if (YourIp is { } ip)
            dictionary.Add("yourip", new BString((ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).GetAddressBytes()));
        return BencodeEncoder.Encode(dictionary);
        // END SOLUTION
    }

    /// <summary>Reads a peer's handshake; a PeerProtocolException if it is not a bounded, well-formed dictionary.</summary>
    // LESSON 08-extensions.extension-handshake: refuse more than MaxLength bytes, bad bencode and a non-dictionary with a PeerProtocolException; read "m" (ids 1-255 kept, 0 left out, anything else refused) and the optional hints, ignoring unknown keys.
    public static ExtensionHandshake Decode(ReadOnlyMemory<byte> payload)
    {
        // STUB: throw new NotImplementedException("Lesson 08 step 1 (extension handshake): BEP 10: the peer's handshake is a bencoded dictionary; an id in its \"m\" is one byte, 0 means the extension is disabled, and keys we do not know are ignored; anything malformed or too large is a protocol error. Stuck? Lessons/08-Extensions/HINTS.md");
        // BEGIN SOLUTION
        if (payload.Length > MaxLength)
            throw new PeerProtocolException($"extension handshake of {payload.Length} bytes (the limit is {MaxLength})");
        BValue root;
        try
        {
            root = BencodeDecoder.Decode(payload, maxDepth: 8, maxValues: 4 * MaxExtensions);
        }
        catch (BencodeException e)
        {
            throw new PeerProtocolException($"extension handshake is not valid bencode: {e.Message}");
        }
        if (root is not BDictionary dictionary)
            throw new PeerProtocolException("extension handshake is not a dictionary");
        return new ExtensionHandshake
        {
            Ids = ReadIds(dictionary),
            MetadataSize = dictionary["metadata_size"] switch
            {
                null => null,
                BInteger { Value: >= 0 } size => size.Value,
                _ => throw new PeerProtocolException("extension handshake: metadata_size is not a non-negative integer"),
            },
            ListenPort = dictionary["p"] is BInteger { Value: >= 1 and <= 65535 } port ? (int)port.Value : null,
            Client = dictionary["v"] is BString v ? Printable(v.Text) : null,
            RequestQueue = dictionary["reqq"] is BInteger { Value: >= 1 and <= 100_000 } reqq ? (int)reqq.Value : null,
            YourIp = dictionary["yourip"] is BString { Bytes.Length: 4 or 16 } ip ? new IPAddress(ip.Bytes.Span) : null,
        };
        // END SOLUTION
    }

    // BEGIN SOLUTION
    private static Dictionary<string, byte> ReadIds(BDictionary dictionary)
    {
        var ids = new Dictionary<string, byte>();
        switch (dictionary["m"])
        {
            case null:
                return ids; // BEP 10: a later handshake may leave "m" out
            case BDictionary { Count: > MaxExtensions }:
                throw new PeerProtocolException($"extension handshake names more than {MaxExtensions} extensions");
            case BDictionary m:
                foreach (var (name, value) in m)
                {
                    if (value is not BInteger { Value: >= 0 and <= 255 } id)
                        throw new PeerProtocolException($"extension handshake: id of \"{Printable(name.Text)}\" is not a number from 0 to 255");
                    if (id.Value != 0)
                        ids[name.Text] = (byte)id.Value;
                }
                return ids;
            default:
                throw new PeerProtocolException("extension handshake: \"m\" is not a dictionary");
        }
    }
    // END SOLUTION

    /// <summary>Peer-chosen text for logs: control characters dropped, at most <see cref="MaxClientLength"/> characters.</summary>
    private static string Printable(string text) =>
        new(text.Where(c => !char.IsControl(c)).Take(MaxClientLength).ToArray());
}
