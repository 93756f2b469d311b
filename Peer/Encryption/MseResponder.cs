using System.Buffers.Binary;
using System.Security.Cryptography;
using MeTorrent.Metainfo;
using static MeTorrent.Peer.Encryption.Mse;

namespace MeTorrent.Peer.Encryption;

/// <summary>
/// The answering side of BitTorrent's message stream encryption (MSE, also "protocol encryption"; a
/// Vuze/libtorrent specification, not a BEP). aria2, libtorrent, qBittorrent and Transmission dial with it
/// first; a peer that answers only plain handshakes makes aria2 wait a second before it dials again.
/// <code>
/// 1 A->B: Ya, PadA                          (96-byte public key, 0-512 random bytes)
/// 2 B->A: Yb, PadB
/// 3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
///         ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
/// 4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), then the payload stream
/// </code>
/// S is the Diffie-Hellman secret, SKEY the info hash, HASH SHA-1, ENCRYPT RC4 (<see cref="Rc4.ForMse"/>)
/// keyed HASH('keyA', S, SKEY) from A and HASH('keyB', S, SKEY) from B, VC eight zero bytes. IA, the
/// dialler's first payload, is usually its BitTorrent handshake. For the payload stream we select
/// plaintext when it is offered (the blocks then cost no cipher; libtorrent and aria2 offer it), else RC4
/// (Transmission and qBittorrent offer only that), which goes on with the handshake's two keystreams.
/// </summary>
internal static class MseResponder
{
    /// <summary>The longest first payload we take (a handshake is 68 bytes; the spec allows 65,535).</summary>
    public const int MaxInitialPayload = 1024;

    /// <summary>Runs steps 2 to 4 after the first bytes of step 1.</summary>
    /// <param name="first">the bytes already read (fewer than 96: the rest of Ya is read here)</param>
    /// <param name="readExact">reads exactly that many bytes (valid until the next read)</param>
    /// <param name="write">sends bytes</param>
    /// <param name="served">the info hashes the dialler may ask for</param>
    /// <param name="accept">the methods we take for the stream after the handshake; plaintext is preferred among them</param>
    /// <returns>the torrent asked for, the first payload decrypted (to be read as if it came from the socket),
    /// and for an RC4 stream the two ciphers to go on with</returns>
    public static async ValueTask<MseResult> RespondAsync(ReadOnlyMemory<byte> first,
        Func<int, ValueTask<ReadOnlyMemory<byte>>> readExact, Func<ReadOnlyMemory<byte>, ValueTask> write,
        IReadOnlyList<InfoHash> served, uint accept = Plaintext | Rc4Encrypted)
    {
        // 1. Their public key.
        var theirKey = new byte[DiffieHellman.KeyLength];
        first.CopyTo(theirKey);
        (await readExact(DiffieHellman.KeyLength - first.Length)).CopyTo(theirKey.AsMemory(first.Length));

        // 2. Ours, and random padding so that the lengths on the wire say nothing.
        var keys = new DiffieHellman();
        byte[] secret = keys.SharedSecret(theirKey);
        byte[] padding = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(MaxPadding + 1));
        await write(keys.PublicKey.Concat(padding).ToArray());

        // 3. Their padding ends where HASH('req1', S) begins: at most 512 bytes to search.
        await SkipPastAsync(Hash("req1", secret), readExact, "no HASH('req1', S) (not an MSE handshake, or a different key)");
        var skeyProof = (await readExact(20)).ToArray();
        var infoHash = FindTorrent(skeyProof, secret, served);
        var (encrypt, decrypt) = Ciphers(secret, infoHash.Bytes.ToArray(), dialling: false);

        var head = (await readExact(VerificationLength + MethodsLength + LengthLength)).ToArray();
        decrypt.Apply(head);
        if (!head.AsSpan(0, VerificationLength).SequenceEqual(new byte[VerificationLength]))
            throw new PeerProtocolException("MSE: the verification constant did not decrypt to zeros");
        uint provided = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(VerificationLength));
        uint offered = provided & accept;
        uint selected = (offered & Plaintext) != 0 ? Plaintext
            : (offered & Rc4Encrypted) != 0 ? Rc4Encrypted
            : throw new PeerProtocolException($"MSE: the peer offers no method we take (crypto_provide {provided:x})");
        int padC = BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(VerificationLength + MethodsLength));
        if (padC > MaxPadding)
            throw new PeerProtocolException($"MSE: {padC} bytes of padding (PadC), over {MaxPadding}");
        await ReadDecryptedAsync(padC, readExact, decrypt);   // arbitrary bytes, but they move the keystream on
        var lengthBytes = await ReadDecryptedAsync(LengthLength, readExact, decrypt);
        int initialLength = BinaryPrimitives.ReadUInt16BigEndian(lengthBytes);
        if (initialLength > MaxInitialPayload)
            throw new PeerProtocolException($"MSE: a first payload of {initialLength} bytes, over {MaxInitialPayload}");
        var initial = await ReadDecryptedAsync(initialLength, readExact, decrypt);

        // 4. Our choice, no padding; from here the stream is plain, or RC4 going on with the same keystreams.
        var answer = new byte[VerificationLength + MethodsLength + LengthLength];
        BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(VerificationLength), selected);
        encrypt.Apply(answer);
        await write(answer);
        return selected == Rc4Encrypted ? new MseResult(infoHash, initial, decrypt, encrypt) : new MseResult(infoHash, initial, null, null);
    }

    /// <summary>SKEY: the served info hash whose proof (<see cref="Mse.TorrentProof"/>) the dialler sent.</summary>
    private static InfoHash FindTorrent(byte[] proof, byte[] secret, IReadOnlyList<InfoHash> served)
    {
        foreach (var infoHash in served)
            if (TorrentProof(secret, infoHash.Bytes.ToArray()).AsSpan().SequenceEqual(proof))
                return infoHash;
        throw new PeerProtocolException("MSE: the peer asked for a torrent we do not serve");
    }
}

/// <summary>What an MSE handshake gives: the torrent, the dialler's first payload (answering side; empty when we dialled), and for an RC4 stream its ciphers.</summary>
internal sealed record MseResult(InfoHash InfoHash, byte[] InitialPayload, Rc4? Decrypt, Rc4? Encrypt);
