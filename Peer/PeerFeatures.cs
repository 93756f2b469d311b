namespace MeTorrent.Peer;

/// <summary>
/// Protocol extensions announced in the handshake's 8 reserved bytes.
/// BEP 10 (extension protocol): byte 5, bit 0x10. BEP 6 (fast): byte 7, bit 0x04. BEP 5 (DHT): byte 7, bit 0x01.
/// An extension is in force on a connection only when both sides announced it.
/// </summary>
[Flags]
public enum PeerFeatures
{
    None = 0,
    Extensions = 1,
    Fast = 2,
    Dht = 4,
}

/// <summary>Converts <see cref="PeerFeatures"/> to and from the handshake's reserved bytes.</summary>
public static class ReservedBits
{
    public const int Length = 8;

    public static void Write(PeerFeatures features, Span<byte> reserved)
    {
        reserved[..Length].Clear();
        if (features.HasFlag(PeerFeatures.Extensions)) reserved[5] |= 0x10;
        if (features.HasFlag(PeerFeatures.Fast)) reserved[7] |= 0x04;
        if (features.HasFlag(PeerFeatures.Dht)) reserved[7] |= 0x01;
    }

    /// <summary>The features we understand; other bits peers set are ignored.</summary>
    public static PeerFeatures Read(ReadOnlySpan<byte> reserved)
    {
        var features = PeerFeatures.None;
        if ((reserved[5] & 0x10) != 0) features |= PeerFeatures.Extensions;
        if ((reserved[7] & 0x04) != 0) features |= PeerFeatures.Fast;
        if ((reserved[7] & 0x01) != 0) features |= PeerFeatures.Dht;
        return features;
    }
}
