using System.Security.Cryptography;
using System.Text;
using MeTorrent.Metainfo;
using MeTorrent.Peer;

namespace MeTorrent.Tests.Peer.Lesson;

/// <summary>Shared values for the lesson 04 tests.</summary>
internal static class LessonPeer
{
    public static readonly byte[] InfoHashBytes = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();

    public static InfoHash SampleInfoHash => new(InfoHashBytes);

    public static PeerId OurId => new(Encoding.ASCII.GetBytes("-MT0001-lesson000004"));

    /// <summary>Deterministic content: byte i is (i * 13 + 5) mod 251.</summary>
    public static byte[] Content(int length) => Enumerable.Range(0, length).Select(i => (byte)((i * 13 + 5) % 251)).ToArray();

    public static byte[] PieceSha1(byte[] content, int pieceLength, int index) =>
        SHA1.HashData(content.AsSpan(index * pieceLength, Math.Min(pieceLength, content.Length - index * pieceLength)));

    /// <summary>Connects to <paramref name="peer"/> with short timeouts and no extensions.</summary>
    public static Task<PeerConnection> ConnectAsync(FakePeer peer, int pieceCount, CancellationToken ct) =>
        PeerConnection.ConnectAsync(peer.EndPoint, SampleInfoHash, OurId, Options(pieceCount), ct);

    /// <summary>Connects announcing the fast extension (BEP 6), to a peer made with <c>fast: true</c>.</summary>
    public static Task<PeerConnection> ConnectFastAsync(FakePeer peer, int pieceCount, CancellationToken ct) =>
        PeerConnection.ConnectAsync(peer.EndPoint, SampleInfoHash, OurId, Options(pieceCount, PeerFeatures.Fast), ct);

    public static PeerConnectionOptions Options(int pieceCount, PeerFeatures features = PeerFeatures.None) => new()
    {
        PieceCount = pieceCount,
        Features = features,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        HandshakeTimeout = TimeSpan.FromSeconds(5),
        ReadTimeout = TimeSpan.FromSeconds(5),
        WriteTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Cancels after 3 s: for a test whose wrong answer is to wait for ever.</summary>
    public static CancellationToken ShortTimeout() => new CancellationTokenSource(TimeSpan.FromSeconds(3)).Token;

    /// <summary>Cancels after 10 s: no test waits on a peer for longer.</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
}
