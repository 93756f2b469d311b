using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Peer.Encryption;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Peer.PeerTestKit;

namespace MeTorrent.Tests.Peer;

/// <summary>
/// Message stream encryption (MSE), the dialling side: our dial is answered by our own responder and by a
/// hand-written one that pads and chooses as the spec allows; a peer that hangs up on a plain handshake
/// (one that requires encryption) is dialled again with MSE.
/// </summary>
[TestFixture, Stage(4)]
public class MseDialTests
{
    [TestCase(DialEncryption.Mse, "plaintext after it")]   // our responder picks plaintext when offered
    [TestCase(DialEncryption.MseRc4, "RC4")]
    public async Task ADialWithMseIsAnsweredAndTheConnectionGoesOnAsSelected(DialEncryption dial, string method)
    {
        var (dialer, acceptor) = await PairAsync(dialer: With(Options(), dial), acceptor: Answering(Options()));
        await using var _ = dialer;
        await using var __ = acceptor;
        Assert.That((dialer.EncryptionMethod, acceptor.EncryptionMethod), Is.EqualTo((method, method)));
        Assert.That(acceptor.RemoteHandshake.InfoHash, Is.EqualTo(Hash), "our handshake went inside the encrypted one");
        Assert.That(dialer.SupportsFast, Is.True, "their reserved bits came through");

        await dialer.SendHaveAsync(3, Deadline());
        await acceptor.SendHaveAsync(7, Deadline());
        Assert.That((await acceptor.ReceiveAsync(Deadline())).Index, Is.EqualTo(3));
        Assert.That((await dialer.ReceiveAsync(Deadline())).Index, Is.EqualTo(7));
    }

    [TestCase(0, 0, Mse.Rc4Encrypted, "RC4")]
    [TestCase(512, 0, Mse.Rc4Encrypted, "RC4")]       // the longest PadB: the verification constant is still found
    [TestCase(37, 100, Mse.Rc4Encrypted, "RC4")]      // PadD moves the keystream on
    [TestCase(0, 0, Mse.Plaintext, "plaintext after it")]
    [TestCase(300, 300, Mse.Plaintext, "plaintext after it")]
    public async Task TheAnswerIsFoundBehindThePeersPadding(int padB, int padD, uint select, string method)
    {
        await using var peer = await RawResponder.StartAsync(padB, select, padD);
        await using var ours = await peer.DialAsync(DialEncryption.Mse);
        Assert.That(ours.EncryptionMethod, Is.EqualTo(method));
        Assert.That(ours.RemoteHandshake.PeerId, Is.EqualTo(RawHandshake(Hash)[48..]));
        Assert.That(peer.TheirHandshake[28..48], Is.EqualTo(Hash.Bytes.ToArray()), "IA is our handshake, for our torrent");
        Assert.That(peer.Provided, Is.EqualTo(Mse.Plaintext | Mse.Rc4Encrypted));
        // The have came in the same write as the handshake: read ahead, then decrypted or not as selected.
        Assert.That((await ours.ReceiveAsync(Deadline())).Index, Is.EqualTo(7));
    }

    [Test]
    public async Task PaddingOver512BytesIsRefused()
    {
        await using var peer = await RawResponder.StartAsync(padB: 600, Mse.Rc4Encrypted, padD: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await peer.DialAsync(DialEncryption.Mse));
        Assert.That(e!.Message, Does.Contain("within 512 bytes"));
    }

    [Test]
    public async Task AMethodWeDidNotOfferIsRefused()
    {
        await using var peer = await RawResponder.StartAsync(padB: 0, Mse.Plaintext, padD: 0);
        var e = await Assert.ThrowsAsync<PeerProtocolException>(async () => await peer.DialAsync(DialEncryption.MseRc4));
        Assert.That(e!.Message, Does.Contain("did not offer"));
        Assert.That(peer.Provided, Is.EqualTo(Mse.Rc4Encrypted), "RC4 alone was offered");
    }

    [Test]
    public async Task APeerThatHangsUpOnThePlainHandshakeIsDialledAgainWithMse()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var peer = Task.Run(async () =>
        {
            // Like a peer set to require encryption: reads a plain handshake, closes without a word.
            using (var plain = await listener.AcceptSocketAsync(Deadline()))
                await plain.ReceiveAsync(new byte[68]);
            var socket = await listener.AcceptSocketAsync(Deadline());
            return await PeerConnection.AcceptAsync(socket, h => h == Hash, PeerId.Generate(), Answering(Options()), Deadline());
        });
        await using var ours = await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), Options(), Deadline());
        await using var theirs = await peer;
        Assert.That(ours.EncryptedHandshake, Is.True, "the second dial was encrypted");
        Assert.That(theirs.EncryptedHandshake, Is.True);
    }

    [Test]
    public async Task APeerThatResetsTheConnectionOnThePlainHandshakeIsDialledAgainWithMse()
    {
        // Closing a socket with our handshake still unread sends a reset, not an end of stream.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var peer = Task.Run(async () =>
        {
            using (var plain = await listener.AcceptSocketAsync(Deadline()))
            {
                plain.LingerState = new LingerOption(true, 0);
                await plain.ReceiveAsync(new byte[10]);
            }
            var socket = await listener.AcceptSocketAsync(Deadline());
            return await PeerConnection.AcceptAsync(socket, h => h == Hash, PeerId.Generate(), Answering(Options()), Deadline());
        });
        await using var ours = await PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), Options(), Deadline());
        await using var theirs = await peer;
        Assert.That(ours.EncryptedHandshake, Is.True);
    }

    [Test]
    public async Task APeerThatStaysSilentTimesOutAndIsNotDialledAgain()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(Deadline(10));
                lock (accepted)
                    accepted.Add(socket);
            }
        });
        var options = new PeerConnectionOptions { PieceCount = 10, HandshakeTimeout = TimeSpan.FromSeconds(1) };
        var failure = await Assert.CatchAsync<Exception>(() =>
            PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), options, Deadline()));
        Assert.That(failure, Is.TypeOf<TimeoutException>());
        await Task.Delay(200);
        lock (accepted)
        {
            Assert.That(accepted, Has.Count.EqualTo(1));
            accepted.ForEach(s => s.Dispose());
        }
    }

    [Test]
    public async Task WithPlainOnlyAPeerThatHangsUpIsNotDialledAgain()
    {
        var (failure, connections) = await DialSilentPeerAsync(DialEncryption.Plain, answer: []);
        Assert.That(failure, Is.InstanceOf<EndOfStreamException>());
        Assert.That(connections, Is.EqualTo(1));
    }

    [Test]
    public async Task APeerThatAnswersThePlainHandshakeIsNotDialledAgain()
    {
        // A wrong answer is an answer: only a peer that said nothing at all is retried with MSE.
        var (failure, connections) = await DialSilentPeerAsync(DialEncryption.PlainThenMse, answer: [19, (byte)'B']);
        Assert.That(failure, Is.TypeOf<EndOfStreamException>());
        Assert.That(connections, Is.EqualTo(1));
    }

    /// <summary>Dials a peer that reads our handshake, sends <paramref name="answer"/> and closes, on every connection.</summary>
    private static async Task<(Exception? Failure, int Connections)> DialSilentPeerAsync(DialEncryption dial, byte[] answer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int accepted = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(Deadline(5));
                Interlocked.Increment(ref accepted);
                await socket.ReceiveAsync(new byte[68]);
                await socket.SendAsync(answer);
            }
        });
        var failure = await Assert.CatchAsync<Exception>(() =>
            PeerConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, Hash, PeerId.Generate(), With(Options(), dial), Deadline()));
        await Task.Delay(200);   // a second dial would have come by now
        return (failure, Volatile.Read(ref accepted));
    }

    private static PeerConnectionOptions With(PeerConnectionOptions o, DialEncryption dial) => new()
    {
        PieceCount = o.PieceCount, Features = o.Features, ReadTimeout = o.ReadTimeout, HandshakeTimeout = o.HandshakeTimeout,
        ConnectTimeout = o.ConnectTimeout, DialEncryption = dial,
    };

    private static PeerConnectionOptions Answering(PeerConnectionOptions o) => new()
    {
        PieceCount = o.PieceCount, Features = o.Features, ReadTimeout = o.ReadTimeout, HandshakeTimeout = o.HandshakeTimeout,
        ConnectTimeout = o.ConnectTimeout, AnswerEncryptedFor = [Hash],
    };

    /// <summary>The answering side of MSE written out step by step, with the padding and choice a test asks for.</summary>
    private sealed class RawResponder : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly int _padB;
        private readonly uint _select;
        private readonly int _padD;
        private Task _answering = Task.CompletedTask;

        private RawResponder(TcpListener listener, int padB, uint select, int padD) =>
            (_listener, _padB, _select, _padD) = (listener, padB, select, padD);

        public uint Provided { get; private set; }
        public byte[] TheirHandshake { get; private set; } = [];

        public static Task<RawResponder> StartAsync(int padB, uint select, int padD)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new RawResponder(listener, padB, select, padD));
        }

        public async Task<PeerConnection> DialAsync(DialEncryption dial)
        {
            _answering = Task.Run(AnswerAsync);
            try
            {
                return await PeerConnection.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, Hash, PeerId.Generate(), With(Options(), dial), Deadline());
            }
            finally
            {
                await _answering.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
            }
        }

        private async Task AnswerAsync()
        {
            using var socket = await _listener.AcceptSocketAsync(Deadline());
            await using var stream = new NetworkStream(socket);
            var keys = new DiffieHellman();
            var theirKey = new byte[96];
            await stream.ReadExactlyAsync(theirKey);
            var secret = keys.SharedSecret(theirKey);
            await stream.WriteAsync(keys.PublicKey.Concat(RandomNumberGenerator.GetBytes(_padB)).ToArray());

            // Their PadA, then HASH('req1', S) and the torrent's proof.
            var req1 = Mse.Hash("req1", secret);
            var seen = new List<byte>();
            while (seen.Count < 20 || !seen.TakeLast(20).SequenceEqual(req1))
            {
                var one = new byte[1];
                await stream.ReadExactlyAsync(one);
                seen.Add(one[0]);
            }
            await stream.ReadExactlyAsync(new byte[20]);
            var decrypt = Rc4.ForMse(Mse.Hash("keyA", secret, Hash.Bytes.ToArray()));
            var encrypt = Rc4.ForMse(Mse.Hash("keyB", secret, Hash.Bytes.ToArray()));
            var head = new byte[8 + 4 + 2 + 2];   // VC, crypto_provide, len(PadC) = 0 from us, len(IA)
            await stream.ReadExactlyAsync(head);
            decrypt.Apply(head);
            Provided = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(8));
            var ia = new byte[BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(14))];
            await stream.ReadExactlyAsync(ia);
            decrypt.Apply(ia);
            TheirHandshake = ia;

            var answer = new byte[8 + 4 + 2 + _padD];
            BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(8), _select);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(12), (ushort)_padD);
            encrypt.Apply(answer);
            var after = RawHandshake(Hash, Reserved(fast: true)).Concat(Frame(4, Ints(7))).ToArray();   // handshake, have 7
            if (_select == Mse.Rc4Encrypted)
                encrypt.Apply(after);   // the same keystream goes on
            await stream.WriteAsync(answer.Concat(after).ToArray());   // one write: the dialler reads ahead
            await Task.Delay(500);   // the dialler reads it before the connection closes
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Dispose();
            await _answering.ContinueWith(_ => { });
        }
    }
}
