using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Peer.Encryption;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>
/// Message stream encryption (MSE), the answering side: a dialler that opens with an encrypted handshake
/// (as aria2 and libtorrent do) is answered, its plain handshake is found inside, and the connection goes
/// on in plaintext; what the spec bounds (padding, the search for the sync hash) is bounded here too.
/// </summary>
[TestFixture, Stage(4)]
public class MseTests
{
    [TestCase("Key", "Plaintext", "BBF316E8D940AF0AD3")]
    [TestCase("Wiki", "pedia", "1021BF0420")]
    [TestCase("Secret", "Attack at dawn", "45A01F645FC35B383552544B9BF5")]
    public void Rc4MatchesItsPublishedTestVectors(string key, string plain, string cipherHex)
    {
        var data = Encoding.ASCII.GetBytes(plain);
        new Rc4(Encoding.ASCII.GetBytes(key)).Apply(data);
        Assert.That(Convert.ToHexString(data), Is.EqualTo(cipherHex));
    }

    [Test]
    public void Rc4ForMseDiscardsTheFirst1024BytesOfKeystream()
    {
        var full = new byte[1024 + 16];
        new Rc4("key"u8).Apply(full);
        var mse = new byte[16];
        Rc4.ForMse("key"u8).Apply(mse);
        Assert.That(mse, Is.EqualTo(full[1024..]));
    }

    [Test]
    public void BothSidesOfTheKeyExchangeReachTheSameSecret()
    {
        var a = new DiffieHellman();
        var b = new DiffieHellman();
        Assert.That(a.PublicKey, Has.Length.EqualTo(96));
        Assert.That(a.PublicKey, Is.Not.EqualTo(b.PublicKey));
        Assert.That(a.SharedSecret(b.PublicKey), Is.EqualTo(b.SharedSecret(a.PublicKey)));
        Assert.That(a.SharedSecret(b.PublicKey), Has.Length.EqualTo(96));
    }

    [Test]
    public void AKnownKeyGivesTheKnownPublicKey()
    {
        // 2^1 mod P is 2, written as 96 big-endian bytes: the leading zeros count.
        var one = new DiffieHellman([1]);
        Assert.That(one.PublicKey[..95], Is.All.EqualTo(0));
        Assert.That(one.PublicKey[95], Is.EqualTo(2));
    }

    [Test]
    public void TheExchangeUsesTheSpecsPrime()
    {
        // X = 768: 2^768 is just over P (P > 2^767), so Y = 2^768 - P, which is P's two's complement in 96 bytes.
        var prime = Convert.FromHexString(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563");
        var expected = (new System.Numerics.BigInteger(1) << 768) - new System.Numerics.BigInteger(prime, isUnsigned: true, isBigEndian: true);
        var y = new DiffieHellman([0x03, 0x00]).PublicKey;
        Assert.That(new System.Numerics.BigInteger(y, isUnsigned: true, isBigEndian: true), Is.EqualTo(expected));
    }

    [Test]
    public void TheKeyLabelsHashAsTheSpecWritesThem()
    {
        // HASH('keyA', S, SKEY) is SHA-1 over the four ASCII bytes, then S, then SKEY: no separators, no lengths.
        var secret = Enumerable.Range(0, 96).Select(i => (byte)i).ToArray();
        var skey = Enumerable.Range(100, 20).Select(i => (byte)i).ToArray();
        var expected = SHA1.HashData("keyA"u8.ToArray().Concat(secret).Concat(skey).ToArray());
        Assert.That(Mse.Hash("keyA", secret, skey), Is.EqualTo(expected));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void ADegeneratePublicKeyIsRefused(int value)
    {
        var key = new byte[96];
        key[95] = (byte)value;
        Assert.Throws<PeerProtocolException>(() => new DiffieHellman().SharedSecret(key));
    }

    [TestCase(0, 0, true, Mse.Plaintext | Mse.Rc4Encrypted, Mse.Plaintext)]
    [TestCase(512, 0, true, Mse.Plaintext | Mse.Rc4Encrypted, Mse.Plaintext)]   // the longest PadA
    [TestCase(137, 37, false, Mse.Plaintext, Mse.Plaintext)]   // the plain handshake after the negotiation
    [TestCase(20, 512, true, Mse.Rc4Encrypted, Mse.Rc4Encrypted)]   // Transmission's and qBittorrent's offer
    [TestCase(0, 0, false, Mse.Rc4Encrypted, Mse.Rc4Encrypted)]
    public async Task AnEncryptedHandshakeIsAnsweredAndTheConnectionGoesOnAsSelected(int padA, int padC, bool handshakeInside,
        uint provide, uint expected)
    {
        await using var pair = await MsePair.StartAsync();
        var initiator = await pair.Initiator.OpenAsync(Hash, padA, provide, handshakeInside ? RawHandshake(Hash, Reserved(fast: true)) : [], padC);
        Assert.That(initiator.Selected, Is.EqualTo(expected), "plaintext when offered, else RC4");
        if (!handshakeInside)
            await initiator.WriteAsync(RawHandshake(Hash, Reserved(fast: true)));

        await using var ours = await pair.Accepted;
        Assert.That(ours.EncryptedHandshake, Is.True);
        Assert.That(ours.EncryptionMethod, Is.EqualTo(expected == Mse.Plaintext ? "plaintext after it" : "RC4"));
        Assert.That(ours.RemoteHandshake.InfoHash, Is.EqualTo(Hash));
        Assert.That(ours.SupportsFast, Is.True, "the reserved bits came through");

        var answer = await initiator.ReadAsync(68);   // our handshake
        Assert.That(answer[1..20], Is.EqualTo("BitTorrent protocol"u8.ToArray()));
        Assert.That(answer[28..48], Is.EqualTo(Hash.Bytes.ToArray()));
        await ours.SendHaveAsync(7, Deadline());
        Assert.That(await initiator.ReadAsync(9), Is.EqualTo(Frame(4, Ints(7))), "messages go on as selected");
        await initiator.WriteAsync(Frame(4, Ints(3)));
        var received = await ours.ReceiveAsync(Deadline());
        Assert.That((received.Id, received.Index), Is.EqualTo((MessageId.Have, 3)));
    }

    [TestCase(Mse.Plaintext)]
    [TestCase(Mse.Rc4Encrypted)]
    public async Task BytesSentRightBehindTheFirstPayloadAreReadInOrder(uint provide)
    {
        // A dialler offering one method knows the choice already and may send on at once: here IA holds only
        // the first 30 bytes of its handshake, and the rest and a have message follow in the same write.
        await using var pair = await MsePair.StartAsync();
        var handshake = RawHandshake(Hash);
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 3, provide, handshake[..30], padC: 0,
            rightBehind: handshake[30..].Concat(Frame(4, Ints(5))).ToArray());
        await using var ours = await pair.Accepted;
        Assert.That(ours.RemoteHandshake.InfoHash, Is.EqualTo(Hash));
        var received = await ours.ReceiveAsync(Deadline());
        Assert.That((received.Id, received.Index), Is.EqualTo((MessageId.Have, 5)));
    }

    [Test]
    public async Task AnEncryptedHandshakeForOneTorrentAndAPlainOneForAnotherIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 0, Mse.Plaintext, RawHandshake(new InfoHash(new byte[20])), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("in its encrypted handshake"));
    }

    [Test]
    public async Task APlainHandshakeStillWorksWhereEncryptionIsAnswered()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Raw.WriteAsync(RawHandshake(Hash));
        await using var ours = await pair.Accepted;
        Assert.That(ours.EncryptedHandshake, Is.False);
    }

    [Test]
    public async Task ADiallerThatOffersNoMethodWeKnowIsRefusedWithAClearReason()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 10, provide: 0x04, RawHandshake(Hash), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("no method we take"));
    }

    [Test]
    public async Task PaddingBeyond512BytesBeforeTheSyncHashIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 513, Mse.Plaintext, RawHandshake(Hash), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("within 512 bytes"));
    }

    [Test]
    public async Task ATorrentWeDoNotServeIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        var other = new InfoHash(new byte[20]);
        await pair.Initiator.SendUpToPayloadAsync(other, padA: 0, Mse.Plaintext, RawHandshake(other), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("do not serve"));
    }

    [Test]
    public async Task PaddingOverTheSpecsLimitIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 0, Mse.Plaintext, RawHandshake(Hash), padC: 513);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("PadC"));
    }

    [Test]
    public async Task GarbageIsGivenUpOnAfterTheLongestPaddingTheSpecAllows()
    {
        await using var pair = await MsePair.StartAsync();
        // A public key, then more random bytes than PadA may hold, and no sync hash among them.
        await pair.Raw.WriteAsync(new DiffieHellman().PublicKey.Concat(RandomNumberGenerator.GetBytes(2000)).ToArray());
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("within 512 bytes"));
    }

    [Test]
    public async Task WhenEncryptionIsRequiredAPlainHandshakeIsRefused()
    {
        await using var pair = await MsePair.StartAsync(requireEncryption: true);
        await pair.Raw.WriteAsync(RawHandshake(Hash));
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("sent a plain handshake; we take only encrypted ones"));
    }

    [TestCase(Mse.Plaintext | Mse.Rc4Encrypted)]   // libtorrent's and aria2's offer: RC4 chosen, not plaintext
    [TestCase(Mse.Rc4Encrypted)]
    public async Task WhenEncryptionIsRequiredRc4IsSelected(uint provide)
    {
        await using var pair = await MsePair.StartAsync(requireEncryption: true);
        var initiator = await pair.Initiator.OpenAsync(Hash, padA: 10, provide, RawHandshake(Hash));
        Assert.That(initiator.Selected, Is.EqualTo(Mse.Rc4Encrypted));
        await using var ours = await pair.Accepted;
        Assert.That(ours.EncryptionMethod, Is.EqualTo("RC4"));
    }

    [Test]
    public async Task WhenEncryptionIsRequiredADiallerOfferingOnlyPlaintextIsRefused()
    {
        await using var pair = await MsePair.StartAsync(requireEncryption: true);
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 0, Mse.Plaintext, RawHandshake(Hash), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("no method we take"));
    }

    [Test]
    public async Task WithoutTorrentsToAnswerForAnEncryptedHandshakeIsRefusedAsBefore()
    {
        await using var pair = await MsePair.StartAsync(answerEncrypted: false);
        await pair.Raw.WriteAsync(new DiffieHellman().PublicKey);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("not a BitTorrent handshake"));
    }

    /// <summary>One accepted connection of ours and the raw socket that dialled it.</summary>
    private sealed class MsePair : IAsyncDisposable
    {
        private MsePair(NetworkStream raw, Task<PeerConnection> accepted)
        {
            Raw = raw;
            Accepted = accepted;
            Initiator = new MseInitiator(raw);
        }

        public NetworkStream Raw { get; }
        public Task<PeerConnection> Accepted { get; }
        public MseInitiator Initiator { get; }

        public static async Task<MsePair> StartAsync(bool answerEncrypted = true, bool requireEncryption = false)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            var socket = await listener.AcceptSocketAsync(Deadline());
            var options = Options();
            options = new PeerConnectionOptions
            {
                PieceCount = options.PieceCount, Features = options.Features, ReadTimeout = options.ReadTimeout,
                HandshakeTimeout = options.HandshakeTimeout, AnswerEncryptedFor = answerEncrypted ? [Hash] : [],
                RequireEncryption = requireEncryption,
            };
            var accepted = PeerConnection.AcceptAsync(socket, h => h == Hash, PeerId.Generate(), options, Deadline());
            return new MsePair(client.GetStream(), accepted);
        }

        public async ValueTask DisposeAsync()
        {
            await Raw.DisposeAsync();
            try
            {
                await (await Accepted).DisposeAsync();
            }
            catch (Exception e) when (e is PeerProtocolException or IOException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The dialling side of MSE, as aria2 or libtorrent run it, written out step by step for the tests.</summary>
    private sealed class MseInitiator(NetworkStream stream)
    {
        private readonly DiffieHellman _keys = new();
        private byte[] _secret = [];
        private Rc4? _encrypt;
        private Rc4? _decrypt;

        public uint Selected { get; private set; }

        public async Task<MseInitiator> OpenAsync(InfoHash skey, int padA, uint provide, byte[] initialPayload, int padC = 0)
        {
            await SendUpToPayloadAsync(skey, padA, provide, initialPayload, padC);
            // 4. VC, crypto_select, len(PadD), PadD: RC4 with keyB, after their PadB (found by decrypting VC).
            var afterKey = new List<byte>();
            var vc = new byte[8];
            while (true)
            {
                var one = new byte[1];
                await stream.ReadExactlyAsync(one);
                afterKey.Add(one[0]);
                if (afterKey.Count < 8)
                    continue;
                var candidate = afterKey.TakeLast(8).ToArray();
                var trial = Rc4.ForMse(Mse.Hash("keyB", _secret, skey.Bytes.ToArray()));
                trial.Apply(candidate);
                if (candidate.SequenceEqual(vc))
                {
                    _decrypt = trial;
                    break;
                }
                Assert.That(afterKey, Has.Count.LessThanOrEqualTo(512 + 8), "VC within PadB's 512 bytes");
            }
            var rest = new byte[6];
            await stream.ReadExactlyAsync(rest);
            _decrypt.Apply(rest);
            Selected = BinaryPrimitives.ReadUInt32BigEndian(rest);
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(rest.AsSpan(4)), Is.Zero, "no PadD");
            return this;
        }

        /// <summary>Sends payload bytes: RC4-encrypted when that was selected.</summary>
        public async Task WriteAsync(byte[] payload)
        {
            var bytes = payload.ToArray();
            if (Selected == Mse.Rc4Encrypted)
                _encrypt!.Apply(bytes);
            await stream.WriteAsync(bytes);
        }

        /// <summary>Reads payload bytes: RC4-decrypted when that was selected.</summary>
        public async Task<byte[]> ReadAsync(int count)
        {
            var bytes = new byte[count];
            await stream.ReadExactlyAsync(bytes);
            if (Selected == Mse.Rc4Encrypted)
                _decrypt!.Apply(bytes);
            return bytes;
        }

        /// <summary>
        /// Steps 1 and 3 (reading step 2's key in between); <paramref name="rightBehind"/> goes out in the same
        /// write after IA, encrypted when RC4 is the only method offered.
        /// </summary>
        public async Task SendUpToPayloadAsync(InfoHash skey, int padA, uint provide, byte[] initialPayload, int padC, byte[]? rightBehind = null)
        {
            await stream.WriteAsync(_keys.PublicKey.Concat(RandomNumberGenerator.GetBytes(padA)).ToArray());
            var theirKey = new byte[96];
            await stream.ReadExactlyAsync(theirKey);
            _secret = _keys.SharedSecret(theirKey);
            var req2 = Mse.Hash("req2", skey.Bytes.ToArray());
            var req3 = Mse.Hash("req3", _secret);
            var encrypted = new byte[8 + 4 + 2 + padC + 2 + initialPayload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(encrypted.AsSpan(8), provide);
            BinaryPrimitives.WriteUInt16BigEndian(encrypted.AsSpan(12), (ushort)padC);
            BinaryPrimitives.WriteUInt16BigEndian(encrypted.AsSpan(14 + padC), (ushort)initialPayload.Length);
            initialPayload.CopyTo(encrypted, 16 + padC);
            _encrypt = Rc4.ForMse(Mse.Hash("keyA", _secret, skey.Bytes.ToArray()));
            _encrypt.Apply(encrypted);
            var behind = (rightBehind ?? []).ToArray();
            if (provide == Mse.Rc4Encrypted)
                _encrypt.Apply(behind);
            var step3 = Mse.Hash("req1", _secret)
                .Concat(req2.Zip(req3, (a, b) => (byte)(a ^ b)))
                .Concat(encrypted).Concat(behind).ToArray();
            await stream.WriteAsync(step3);
        }
    }
}
