using System.Net;
using MeTorrent.Download.Metadata;
using MeTorrent.Metainfo;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download.Metadata;

[Stage(5)]
public class MetadataServerTests
{
    private static readonly byte[] Info = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 11)).ToArray();

    [Test]
    public void ServesEveryPieceAndRejectsTheRest()
    {
        var server = new MetadataServer(Info);
        Assert.That(server.PieceCount, Is.EqualTo(3));
        var last = server.Answer(MetadataMessage.Request(2));
        Assert.That(last.Type, Is.EqualTo(MetadataMessageType.Data));
        Assert.That(last.TotalSize, Is.EqualTo(40_000));
        Assert.That(last.Data.ToArray(), Is.EqualTo(Info[32768..]));
        Assert.That(server.Answer(MetadataMessage.Request(3)), Is.EqualTo(MetadataMessage.Reject(3)));
        Assert.That(server.Answer(MetadataMessage.Request(MetadataMessage.MaxPiece)).Type, Is.EqualTo(MetadataMessageType.Reject));
    }

    [Test]
    public void WhatItServesAssemblesAndVerifies()
    {
        var server = new MetadataServer(Info);
        var peer = IPEndPoint.Parse("127.0.0.1:1");
        var assembly = new MetadataAssembly(InfoHash.Compute(Info), server.MetadataSize, TimeSpan.FromSeconds(5));
        assembly.AddSource(peer);
        MetadataResult result = null!;
        foreach (int piece in assembly.NextRequests(peer, DateTime.UtcNow))
        {
            // Through the wire format both ways, as between two MeTorrent peers.
            var answer = MetadataMessage.Decode(server.Answer(MetadataMessage.Decode(MetadataMessage.Request(piece).Encode())!).Encode())!;
            result = assembly.OnData(peer, answer.Piece, answer.TotalSize, answer.Data.Span);
        }
        Assert.That(result.Outcome, Is.EqualTo(MetadataOutcome.Verified));
    }
}
