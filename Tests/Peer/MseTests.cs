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

    [TestCase(0)]
    [TestCase(1)]
    public void ADegeneratePublicKeyIsRefused(int value)
    {
        var key = new byte[96];
        key[95] = (byte)value;
        Assert.Throws<PeerProtocolException>(() => new DiffieHellman().SharedSecret(key));
    }

    [TestCase(0, true)]
    [TestCase(512, true)]    // the longest padding the spec allows
    [TestCase(137, false)]   // the plain handshake after the negotiation instead of inside it
    public async Task AnEncryptedHandshakeIsAnsweredAndTheConnectionGoesOnInPlaintext(int padA, bool handshakeInside)
    {
        await using var pair = await MsePair.StartAsync();
        var initiator = await pair.Initiator.OpenAsync(Hash, padA, MseResponder.Plaintext | MseResponder.Rc4Stream,
            handshakeInside ? RawHandshake(Hash, Reserved(fast: true)) : []);
        Assert.That(initiator.Selected, Is.EqualTo(MseResponder.Plaintext), "plaintext selected when offered");
        if (!handshakeInside)
            await pair.Raw.WriteAsync(RawHandshake(Hash, Reserved(fast: true)));

        await using var ours = await pair.Accepted;
        Assert.That(ours.EncryptedHandshake, Is.True);
        Assert.That(ours.RemoteHandshake.InfoHash, Is.EqualTo(Hash));
        Assert.That(ours.SupportsFast, Is.True, "the reserved bits came through");

        var answer = new byte[68];
        await pair.Raw.ReadExactlyAsync(answer);   // our handshake, in plaintext
        Assert.That(answer[1..20], Is.EqualTo("BitTorrent protocol"u8.ToArray()));
        Assert.That(answer[28..48], Is.EqualTo(Hash.Bytes.ToArray()));
        await ours.SendHaveAsync(7, Deadline());
        var have = new byte[9];
        await pair.Raw.ReadExactlyAsync(have);
        Assert.That(have, Is.EqualTo(Frame(4, Ints(7))), "messages after it are plain too");
        await pair.Raw.WriteAsync(Frame(4, Ints(3)));
        var received = await ours.ReceiveAsync(Deadline());
        Assert.That((received.Id, received.Index), Is.EqualTo((MessageId.Have, 3)));
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
    public async Task ADiallerThatOffersOnlyRc4IsRefusedWithAClearReason()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 10, provide: MseResponder.Rc4Stream, RawHandshake(Hash), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("only an RC4-encrypted stream"));
    }

    [Test]
    public async Task ATorrentWeDoNotServeIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        var other = new InfoHash(new byte[20]);
        await pair.Initiator.SendUpToPayloadAsync(other, padA: 0, MseResponder.Plaintext, RawHandshake(other), padC: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await pair.Accepted);
        Assert.That(e!.Message, Does.Contain("do not serve"));
    }

    [Test]
    public async Task PaddingOverTheSpecsLimitIsRefused()
    {
        await using var pair = await MsePair.StartAsync();
        await pair.Initiator.SendUpToPayloadAsync(Hash, padA: 0, MseResponder.Plaintext, RawHandshake(Hash), padC: 513);
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

        public static async Task<MsePair> StartAsync(bool answerEncrypted = true)
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
        private Rc4? _decrypt;

        public uint Selected { get; private set; }

        public async Task<MseInitiator> OpenAsync(InfoHash skey, int padA, uint provide, byte[] initialPayload)
        {
            await SendUpToPayloadAsync(skey, padA, provide, initialPayload, padC: 0);
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
                var trial = Rc4.ForMse(MseResponder.Hash("keyB", _secret, skey.Bytes.ToArray()));
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

        /// <summary>Steps 1 and 3 (reading step 2's key in between).</summary>
        public async Task SendUpToPayloadAsync(InfoHash skey, int padA, uint provide, byte[] initialPayload, int padC)
        {
            await stream.WriteAsync(_keys.PublicKey.Concat(RandomNumberGenerator.GetBytes(padA)).ToArray());
            var theirKey = new byte[96];
            await stream.ReadExactlyAsync(theirKey);
            _secret = _keys.SharedSecret(theirKey);
            var req2 = MseResponder.Hash("req2", skey.Bytes.ToArray());
            var req3 = MseResponder.Hash("req3", _secret);
            var encrypted = new byte[8 + 4 + 2 + padC + 2 + initialPayload.Length];
            BinaryPrimitives.WriteUInt32BigEndian(encrypted.AsSpan(8), provide);
            BinaryPrimitives.WriteUInt16BigEndian(encrypted.AsSpan(12), (ushort)padC);
            BinaryPrimitives.WriteUInt16BigEndian(encrypted.AsSpan(14 + padC), (ushort)initialPayload.Length);
            initialPayload.CopyTo(encrypted, 16 + padC);
            Rc4.ForMse(MseResponder.Hash("keyA", _secret, skey.Bytes.ToArray())).Apply(encrypted);
            var step3 = MseResponder.Hash("req1", _secret)
                .Concat(req2.Zip(req3, (a, b) => (byte)(a ^ b)))
                .Concat(encrypted).ToArray();
            await stream.WriteAsync(step3);
        }
    }
}
