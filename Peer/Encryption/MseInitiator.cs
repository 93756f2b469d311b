using System.Buffers.Binary;
using System.Security.Cryptography;
using MeTorrent.Metainfo;
using static MeTorrent.Peer.Encryption.Mse;

namespace MeTorrent.Peer.Encryption;

/// <summary>
/// The dialling side of message stream encryption (the steps are in <see cref="MseResponder"/>'s summary): for
/// peers set to take nothing but an encrypted handshake. We are A: we send our key, then — once we have theirs —
/// the proof of the torrent (SKEY, its info hash) and our BitTorrent handshake as the first payload (IA), and
/// find their answer behind their padding by the encrypted verification constant.
/// </summary>
internal static class MseInitiator
{
    /// <summary>Runs steps 1 to 4; the caller reads the peer's handshake next (decrypted if RC4 was selected).</summary>
    /// <param name="infoHash">SKEY: the torrent we ask for</param>
    /// <param name="handshake">IA: our BitTorrent handshake, sent inside step 3</param>
    /// <param name="provide">the methods we offer for the stream after the handshake (<see cref="Mse.Plaintext"/>, <see cref="Mse.Rc4Encrypted"/>)</param>
    /// <param name="readExact">reads exactly that many bytes (valid until the next read)</param>
    /// <param name="write">sends bytes</param>
    /// <returns>for an RC4 stream the two ciphers to go on with; none when the peer chose plaintext</returns>
    public static async ValueTask<MseResult> InitiateAsync(InfoHash infoHash, ReadOnlyMemory<byte> handshake, uint provide,
        Func<int, ValueTask<ReadOnlyMemory<byte>>> readExact, Func<ReadOnlyMemory<byte>, ValueTask> write)
    {
        // 1. Our key and random padding.
        var keys = new DiffieHellman();
        await write(keys.PublicKey.Concat(RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(MaxPadding + 1))).ToArray());

        // 2. Their key (their padding follows; we skip it in step 4).
        byte[] secret = keys.SharedSecret((await readExact(DiffieHellman.KeyLength)).ToArray());
        byte[] skey = infoHash.Bytes.ToArray();
        var (encrypt, decrypt) = Ciphers(secret, skey, dialling: true);

        // 3. HASH('req1', S), the torrent's proof, then encrypted: VC, crypto_provide, len(PadC) = 0, len(IA), IA.
        var crypto = new byte[VerificationLength + MethodsLength + LengthLength + LengthLength + handshake.Length];
        BinaryPrimitives.WriteUInt32BigEndian(crypto.AsSpan(VerificationLength), provide);
        BinaryPrimitives.WriteUInt16BigEndian(crypto.AsSpan(VerificationLength + MethodsLength + LengthLength), (ushort)handshake.Length);
        handshake.Span.CopyTo(crypto.AsSpan(crypto.Length - handshake.Length));
        encrypt.Apply(crypto);
        await write(Hash("req1", secret).Concat(TorrentProof(secret, skey)).Concat(crypto).ToArray());

        // 4. Their PadB ends where VC, encrypted with keyB, begins: the first eight bytes of that keystream,
        //    within 512 bytes. The cipher that made them is then exactly past VC.
        var encryptedVc = new byte[VerificationLength];
        decrypt.Apply(encryptedVc);
        await SkipPastAsync(encryptedVc, readExact, "no verification constant (the peer does not speak MSE, or another key)");
        var head = await ReadDecryptedAsync(MethodsLength + LengthLength, readExact, decrypt);
        uint selected = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (selected is not (Plaintext or Rc4Encrypted) || (selected & provide) == 0)
            throw new PeerProtocolException($"MSE: the peer selected crypto method {selected:x}, which we did not offer");
        int padD = BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(MethodsLength));
        if (padD > MaxPadding)
            throw new PeerProtocolException($"MSE: {padD} bytes of padding (PadD), over {MaxPadding}");
        await ReadDecryptedAsync(padD, readExact, decrypt);   // arbitrary bytes, but they move the keystream on
        return selected == Rc4Encrypted ? new MseResult(infoHash, [], decrypt, encrypt) : new MseResult(infoHash, [], null, null);
    }
}
