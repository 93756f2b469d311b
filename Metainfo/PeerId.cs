using System.Security.Cryptography;
using System.Text;

namespace MeTorrent.Metainfo;

/// <summary>
/// Our 20-byte peer id, in the Azureus style most clients use (BEP 20): "-MT0001-" names the client
/// and version, twelve random characters make it unique. One id per session, sent to trackers and peers.
/// </summary>
public sealed class PeerId
{
    public const int Length = 20;
    public const string ClientPrefix = "-MT0001-";

    private readonly byte[] _bytes;

    public PeerId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"A peer id has {Length} bytes, not {bytes.Length}.", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    /// <summary>A fresh id: the client prefix and 12 random alphanumeric characters.</summary>
    public static PeerId Generate()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var id = new byte[Length];
        Encoding.ASCII.GetBytes(ClientPrefix, id);
        for (int i = ClientPrefix.Length; i < Length; i++)
            id[i] = (byte)alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new PeerId(id);
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public string Hex => Convert.ToHexStringLower(_bytes);

    public override string ToString() => Hex;
}
