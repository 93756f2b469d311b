using System.Buffers.Binary;
using System.Net;
using MeTorrent.Download.Engine;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Seeding;

/// <summary>
/// Issue 9: "reading never waits on writing". A peer that stops reading must not stop us from reading
/// what it sends: before the engine had one reader and one writer task per connection, a connection
/// that was sending a block waited for that write before it read the next message, so a peer whose
/// receive buffer was full froze the conversation both ways (with a choke/unchoke flood, for good).
/// </summary>
[Stage(6)]
public class ReadingWhileWritingTests
{
    [Test]
    public async Task MessagesAreReadWhileWritesToTheSamePeerAreStuck()
    {
        using var folder = SeedFolder.Create(pieceLength: 32 * 1024);
        using var deadline = Deadline(60);
        await using var seeder = await TorrentEngine.StartAsync(folder.Torrent, folder.Data, new EngineOptions
        {
            ListenPort = 0,
            ListenAddress = IPAddress.Loopback,
            UseTrackers = false,
        }, deadline.Token);
        var address = new IPEndPoint(IPAddress.Loopback, seeder.ListenEndPoint!.Port);
        await using var peer = await RawLeecher.ConnectAsync(address, folder.Torrent.InfoHash, deadline.Token, receiveBuffer: 4096);
        await peer.InterestedUntilUnchokedAsync(deadline.Token);

        // 400 requests (6 MiB of answers, far more than the socket buffers hold), never read: our writes to it stall.
        int blocks = folder.Torrent.PieceCount * 2 - 2;
        await peer.SendAsync(Enumerable.Range(0, 400).SelectMany(i => RawLeecher.Request(i % blocks / 2, i % 2 * 16384, 16384)).ToArray(), deadline.Token);
        await Task.Delay(500, deadline.Token);

        // Then it sends us 64 blocks (unasked for: the seeder drops them, but it has to read them to know).
        const int Sent = 64;
        var block = new byte[4 + 9 + 16384];
        BinaryPrimitives.WriteInt32BigEndian(block, 9 + 16384);
        block[4] = 7;
        for (int i = 0; i < Sent; i++)
            await peer.SendAsync(block, deadline.Token);

        using var soon = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        soon.CancelAfter(TimeSpan.FromSeconds(20));   // the write timeout is 60 s: a reader that waited for the writer would see nothing by then
        await WaitUntilAsync(() => seeder.Stats.BytesReceived >= Sent * 16384L, soon.Token);
        Assert.That(seeder.Stats.BytesReceived, Is.EqualTo(Sent * 16384L), "every block was read while the writer was stuck");
        Assert.That(seeder.Stats.BytesUploaded, Is.LessThan(400 * 16384L), "the writer was stuck indeed");
    }
}
