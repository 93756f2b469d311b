using System.Buffers.Binary;
using System.Net.Sockets;
using MeTorrent.Download.Engine;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Metainfo.Lesson;
using MeTorrent.Tests.Peer.Lesson;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Download;

/// <summary>
/// Issue 9, attack 3: a peer that floods choke/unchoke pairs. The old engine put every outstanding
/// block back in the pool at each choke and asked for it again at each unchoke: 64,519 requests for
/// 518 blocks (about 64 a pair). A request outstanding to a peer is never sent again on an unchoke.
/// The peer here flips as often as the connection tolerates (<c>Peer/ChokeFlood</c> drops a peer at its
/// 21st choke within 10 s, tested in <c>Tests/Peer/ChokeFloodTests</c>): 20 pairs, which cost the old
/// engine over a thousand extra requests.
/// </summary>
[Stage(5)]
public class RequestsAfterUnchokeTests
{
    private const int PieceLength = 32 * 1024;
    private const int Pieces = 259;                       // 518 blocks, as in the issue
    private const int Blocks = Pieces * PieceLength / MeTorrent.Download.Engine.Blocks.Size;
    private const int Flips = 20;                         // the most chokes a connection accepts in 10 s
    private static readonly byte[] FlipPair = [.. FakePeer.Message(0), .. FakePeer.Message(1)];

    [Test]
    public async Task ChokeUnchokePairsCostNoExtraRequestsAndTheDownloadCompletes()
    {
        byte[] content = LessonTorrent.Content(Pieces * PieceLength);
        var torrent = Torrent.Parse(LessonTorrent.SingleFile("http://127.0.0.1:1/announce", "flood.bin", PieceLength, content).Bytes);
        int requests = 0;
        await using var flooder = new FakePeer(torrent.InfoHash.ToArray(), async (peer, stream, ct) =>
        {
            var bitfield = new byte[(Pieces + 7) / 8];
            for (int i = 0; i < Pieces; i++)
                bitfield[i / 8] |= (byte)(0x80 >> (i % 8));
            await stream.WriteAsync(FakePeer.Message(5, bitfield), ct);
            await stream.WriteAsync(FakePeer.Message(1), ct);
            var asked = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
            var reading = Task.Run(async () =>
            {
                while (await peer.ReadMessageAsync(stream, ct) is { } message)
                    if (message.Id == 6)
                    {
                        Interlocked.Increment(ref requests);
                        asked.Writer.TryWrite(message.Payload);
                    }
                asked.Writer.TryComplete();
            }, ct);
            // 20 choke/unchoke pairs, each followed by whatever was asked meanwhile (a block answers a
            // request made before the choke: some clients send what they had queued).
            for (int flip = 0; flip < Flips; flip++)
            {
                await stream.WriteAsync(FlipPair, ct);
                await ServeAsync(stream, asked.Reader, content, wait: false, ct);
            }
            while (await ServeAsync(stream, asked.Reader, content, wait: true, ct)) { }
            await reading;
        });

        string folder = SwarmHelpers.TempFolder();
        try
        {
            string output = Path.Combine(folder, "flood.bin");
            var options = SwarmHelpers.FastOptions(flooder.EndPoint);
            await using (var engine = await TorrentEngine.StartAsync(torrent, output, options))
            {
                var finished = await Task.WhenAny(engine.Completion, Task.Delay(TimeSpan.FromSeconds(30)));
                Assert.That(finished, Is.SameAs(engine.Completion), "the download completes despite the choke/unchoke pairs");
                await engine.Completion;
            }
            Assert.That(await File.ReadAllBytesAsync(output), Is.EqualTo(content));
            Assert.That(Volatile.Read(ref requests), Is.LessThanOrEqualTo(Blocks + 16),
                $"{Blocks} blocks: each asked for once (a few more allowed), never again at each unchoke");
        }
        finally
        {
            SwarmHelpers.Delete(folder);
        }
    }

    /// <summary>Answers the requests waiting (or, with <paramref name="wait"/>, at least one); false once the client has hung up.</summary>
    private static async Task<bool> ServeAsync(NetworkStream stream, System.Threading.Channels.ChannelReader<byte[]> asked,
        byte[] content, bool wait, CancellationToken ct)
    {
        if (wait && !await asked.WaitToReadAsync(ct))
            return false;
        while (asked.TryRead(out var request))
        {
            int index = BinaryPrimitives.ReadInt32BigEndian(request);
            int begin = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
            int length = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));
            byte[] block = content.AsSpan(index * PieceLength + begin, length).ToArray();
            await stream.WriteAsync(FakePeer.Message(7, [.. FakePeer.Int(index), .. FakePeer.Int(begin), .. block]), ct);
        }
        return true;
    }
}
