using System.Security.Cryptography;
using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo.Lesson;

/// <summary>Lesson 02, step 3 (02-metainfo.piece-hashes): piece hashes and piece sizes.</summary>
[Stage(2)]
public class Step3PieceHashTests
{
    private const string Announce = "http://127.0.0.1:6969/announce";
    private const int PieceLength = 32768;
    private static readonly byte[] Content = LessonTorrent.Content(92063); // 2 full pieces and 26527 bytes

    private static Torrent Sample() => Torrent.Parse(LessonTorrent.SingleFile(Announce, "sample.txt", PieceLength, Content).Bytes);

    [Test]
    public void CountsThePieces()
    {
        Assert.That(Sample().PieceCount, Is.EqualTo(3), "92063 bytes in pieces of 32768 make 3 pieces: one 20-byte hash each");
    }

    [Test]
    public void GivesEachPieceItsHash()
    {
        var torrent = Sample();
        for (int piece = 0; piece < 3; piece++)
        {
            int offset = piece * PieceLength;
            byte[] expected = SHA1.HashData(Content.AsSpan(offset, Math.Min(PieceLength, Content.Length - offset)));
            Assert.That(torrent.PieceHash(piece).ToArray(), Is.EqualTo(expected),
                $"PieceHash({piece}) is the 20 bytes at {piece} * 20 in \"pieces\"");
        }
    }

    [Test]
    public void SizesTheLastPieceByWhatIsLeft()
    {
        var torrent = Sample();
        Assert.That(torrent.PieceSize(0), Is.EqualTo(PieceLength), "every piece but the last is PieceLength bytes");
        Assert.That(torrent.PieceSize(2), Is.EqualTo(92063 - 2 * PieceLength), "the last piece holds the bytes left over: 92063 - 2 * 32768");
        Assert.That(torrent.LastPieceLength, Is.EqualTo(26527), "LastPieceLength is the size of the last piece");
    }

    [Test]
    public void KeepsAFullLastPieceFull()
    {
        var torrent = Torrent.Parse(LessonTorrent.SingleFile(Announce, "even.bin", 16384, LessonTorrent.Content(2 * 16384)).Bytes);
        Assert.That(torrent.PieceSize(1), Is.EqualTo(16384), "when the length is a multiple of the piece length, the last piece is full, not empty");
    }

    [Test]
    public void RejectsAPieceThatDoesNotExist()
    {
        var torrent = Sample();
        Assert.That(() => torrent.PieceHash(3), Throws.TypeOf<ArgumentOutOfRangeException>(), "piece 3 of 3 does not exist: call CheckPiece(index) first");
        Assert.That(() => torrent.PieceSize(-1), Throws.TypeOf<ArgumentOutOfRangeException>(), "a negative piece index does not exist either");
    }
}
