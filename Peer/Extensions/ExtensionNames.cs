namespace MeTorrent.Peer;

/// <summary>
/// The extensions we speak over BEP 10 and the ids we ask peers to use for them. BEP 10: each side picks
/// its own ids in its handshake's "m" dictionary, and a sender uses the ids of the receiver — so a message
/// arriving with id <see cref="UtMetadataId"/> is ut_metadata, while we send ut_metadata under the peer's id.
/// Id 0 is the extension handshake itself.
/// </summary>
public static class ExtensionNames
{
    public const string UtMetadata = "ut_metadata";
    public const string UtPex = "ut_pex";

    public const byte HandshakeId = 0;
    public const byte UtMetadataId = 1;
    public const byte UtPexId = 2;

    /// <summary>What we say in "v": the client's name and version.</summary>
    public const string ClientVersion = "MeTorrent 0.1";

    /// <summary>Requests we queue per peer (reqq); libtorrent's default is 500.</summary>
    public const int OurRequestQueue = 500;
}
