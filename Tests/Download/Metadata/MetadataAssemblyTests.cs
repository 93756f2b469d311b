using System.Net;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Metadata;

[Stage(5)]
public class MetadataAssemblyTests
{
    private static readonly IPEndPoint Honest = IPEndPoint.Parse("127.0.0.1:1001");
    private static readonly IPEndPoint Liar = IPEndPoint.Parse("127.0.0.1:1002");
    private static readonly IPEndPoint Third = IPEndPoint.Parse("127.0.0.1:1003");
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>40,000 bytes of "metadata": three pieces, the last 7,232 bytes.</summary>
    private static readonly byte[] Info = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 7)).ToArray();

    private static MetadataAssembly NewAssembly(params IPEndPoint[] sources)
    {
        var assembly = new MetadataAssembly(InfoHash.Compute(Info), Info.Length, Timeout);
        foreach (var source in sources)
            assembly.AddSource(source);
        return assembly;
    }

    private static ReadOnlySpan<byte> Piece(int index, byte[]? from = null)
    {
        var data = from ?? Info;
        int start = index * MetadataMessage.PieceLength;
        return data.AsSpan(start, Math.Min(MetadataMessage.PieceLength, data.Length - start));
    }

    private static byte[] Forged()
    {
        var forged = (byte[])Info.Clone();
        forged[20_000] ^= 1; // in piece 1
        return forged;
    }

    [Test]
    public void SizesAreBoundedBeforeAnythingIsAllocated()
    {
        Assert.That(MetadataLimits.SizeProblem(100 * 1024 * 1024), Does.Contain("larger than the 32 MiB"));
        Assert.That(MetadataLimits.SizeProblem(0), Does.Contain("not positive"));
        Assert.That(MetadataLimits.SizeProblem(MetadataLimits.MaxSize), Is.Null);
        Assert.That(() => new MetadataAssembly(InfoHash.Compute(Info), MetadataLimits.MaxSize + 1, Timeout), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void PiecesOutOfOrderFromSeveralPeersAssembleAndVerify()
    {
        var assembly = NewAssembly(Honest, Third);
        Assert.That(assembly.PieceCount, Is.EqualTo(3));
        Assert.That(assembly.PieceSize(2), Is.EqualTo(40_000 - 2 * 16384));
        var first = assembly.NextRequests(Honest, Now);
        var second = assembly.NextRequests(Third, Now);
        Assert.That(first, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(second, Is.Empty, "each piece is asked of one peer");

        Assert.That(assembly.OnData(Honest, 2, Info.Length, Piece(2)).Outcome, Is.EqualTo(MetadataOutcome.Stored));
        Assert.That(assembly.OnData(Honest, 0, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Stored));
        var result = assembly.OnData(Honest, 1, Info.Length, Piece(1));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Verified));
        Assert.That(assembly.Verified, Is.EqualTo(Info));
    }

    [Test]
    public void TwoPeersShareTheWork()
    {
        // With more pieces than one peer may have outstanding, the second peer gets the rest.
        var big = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var spread = new MetadataAssembly(InfoHash.Compute(big), big.Length, Timeout);
        spread.AddSource(Honest);
        spread.AddSource(Third);
        Assert.That(spread.NextRequests(Honest, Now), Has.Count.EqualTo(MetadataAssembly.MaxRequestsPerPeer));
        Assert.That(spread.NextRequests(Third, Now), Is.EqualTo(new[] { 4, 5, 6 }));
    }

    [Test]
    public void UnrequestedPiecesAreNotTaken()
    {
        var assembly = NewAssembly(Honest, Liar);
        assembly.NextRequests(Honest, Now);
        Assert.That(assembly.OnData(Liar, 0, Info.Length, Piece(0, Forged())).Outcome, Is.EqualTo(MetadataOutcome.Ignored));
        Assert.That(assembly.OnData(Honest, 0, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Stored));
        Assert.That(assembly.OnData(Honest, 0, Info.Length, Piece(0)).Outcome, Is.EqualTo(MetadataOutcome.Ignored), "a duplicate");
    }

    [Test]
    public void ShortAndOversizedPiecesDropTheSender()
    {
        var assembly = NewAssembly(Liar, Honest);
        assembly.NextRequests(Liar, Now);
        var result = assembly.OnData(Liar, 0, Info.Length, Piece(0)[..100]);
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.PeerRefused));
        Assert.That(result.Message, Does.Contain("sent 100 bytes for metadata piece 0, which is 16384 bytes"));
        Assert.That(result.Blamed, Is.EqualTo(new[] { Liar }));
        Assert.That(assembly.NextRequests(Liar, Now), Is.Empty, "not asked again");
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }), "its pieces go to the others");

        var other = NewAssembly(Liar);
        other.NextRequests(Liar, Now);
        byte[] tooLong = [.. Piece(2), 0];
        Assert.That(other.OnData(Liar, 2, Info.Length, tooLong).Outcome, Is.EqualTo(MetadataOutcome.PeerRefused));
    }

    [Test]
    public void AWrongTotalSizeDropsTheSender()
    {
        var assembly = NewAssembly(Liar);
        assembly.NextRequests(Liar, Now);
        var result = assembly.OnData(Liar, 0, 99_999, Piece(0));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.PeerRefused));
        Assert.That(result.Message, Does.Contain("total of 99999 bytes"));
    }

    [Test]
    public void ARejectFreesThePiecesAndTheRejecterIsNotAskedAgain()
    {
        var assembly = NewAssembly(Liar, Honest);
        assembly.NextRequests(Liar, Now);
        var result = assembly.OnReject(Liar, 1);
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.PeerRefused));
        Assert.That(result.Message, Does.Contain("rejected metadata piece 1"));
        Assert.That(assembly.NextRequests(Liar, Now), Is.Empty);
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(assembly.OnReject(Third, 0).Outcome, Is.EqualTo(MetadataOutcome.Ignored), "a reject of nothing we asked");
    }

    [Test]
    public void SilentPeersTimeOut()
    {
        var assembly = NewAssembly(Liar, Honest);
        assembly.NextRequests(Liar, Now);
        Assert.That(assembly.Expire(Now + Timeout - TimeSpan.FromSeconds(1)), Is.Empty);
        Assert.That(assembly.Expire(Now + Timeout), Is.EqualTo(new[] { Liar }));
        Assert.That(assembly.Excluded, Does.Contain(Liar));
        Assert.That(assembly.HasUsableSources, Is.True);
        Assert.That(assembly.NextRequests(Honest, Now + Timeout), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void WrongMetadataFromOnePeerBlamesIt()
    {
        var assembly = NewAssembly(Liar, Honest);
        assembly.NextRequests(Liar, Now);
        var forged = Forged();
        assembly.OnData(Liar, 0, Info.Length, Piece(0, forged));
        assembly.OnData(Liar, 1, Info.Length, Piece(1, forged));
        var result = assembly.OnData(Liar, 2, Info.Length, Piece(2, forged));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.HashMismatch));
        Assert.That(result.Blamed, Is.EqualTo(new[] { Liar }));
        Assert.That(assembly.Verified, Is.Null);
        Assert.That(assembly.OneSourceAtATime, Is.False);
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }), "everything is asked again");
        foreach (int piece in new[] { 0, 1, 2 })
            result = assembly.OnData(Honest, piece, Info.Length, Piece(piece));
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Verified));
    }

    [Test]
    public void MixedSendersAreTestedOneAtATimeAndTheLiarIsFound()
    {
        // 100,000 bytes: 7 pieces, so both peers get some before the first check.
        var info = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 3)).ToArray();
        var forged = (byte[])info.Clone();
        forged[5 * 16384] ^= 1; // in piece 5, which the liar is asked for
        var assembly = new MetadataAssembly(InfoHash.Compute(info), info.Length, Timeout);
        assembly.AddSource(Honest);
        assembly.AddSource(Liar);
        MetadataResult Send(IPEndPoint peer, int piece) =>
            assembly.OnData(peer, piece, info.Length, (peer.Equals(Liar) ? forged : info).AsSpan(piece * 16384, Math.Min(16384, info.Length - piece * 16384)));

        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(assembly.NextRequests(Liar, Now), Is.EqualTo(new[] { 4, 5, 6 }));
        MetadataResult result = null!;
        foreach (int piece in new[] { 0, 1, 2, 3 })
            result = Send(Honest, piece);
        foreach (int piece in new[] { 4, 5, 6 })
            result = Send(Liar, piece);
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.HashMismatch));
        Assert.That(result.Blamed, Is.Empty, "two senders: nobody can be blamed yet");
        Assert.That(assembly.OneSourceAtATime, Is.True);

        // The liar asks first and becomes the sole source; the honest peer waits.
        Assert.That(assembly.NextRequests(Liar, Now), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(assembly.NextRequests(Honest, Now), Is.Empty);
        for (int piece = 0; piece < 7; piece++)
        {
            result = Send(Liar, piece);
            if (piece == 3)
                Assert.That(assembly.NextRequests(Liar, Now), Is.EqualTo(new[] { 4, 5, 6 }));
        }
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.HashMismatch));
        Assert.That(result.Blamed, Is.EqualTo(new[] { Liar }), "the lone sender of a bad dictionary is the liar");

        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        for (int piece = 0; piece < 7; piece++)
        {
            result = Send(Honest, piece);
            if (piece == 3)
                assembly.NextRequests(Honest, Now);
        }
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Verified));
        Assert.That(assembly.Verified, Is.EqualTo(info));
    }

    [Test]
    public void ALeavingPeerReturnsItsPieces()
    {
        var assembly = NewAssembly(Liar, Honest);
        assembly.NextRequests(Liar, Now);
        assembly.RemoveSource(Liar);
        Assert.That(assembly.NextRequests(Honest, Now), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(assembly.NextRequests(Liar, Now), Is.Empty, "no longer a source");
    }
}
