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

    private static Torrent Sample() => LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "sample.txt", PieceLength, Content).Bytes, "Step 1 (parse) reads it.");

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
        var torrent = LessonTorrent.ParseValid(LessonTorrent.SingleFile(Announce, "even.bin", 16384, LessonTorrent.Content(2 * 16384)).Bytes, "Step 1 (parse) reads it.");
        Assert.That(torrent.PieceSize(1), Is.EqualTo(16384), "when the length is a multiple of the piece length, the last piece is full, not empty");
    }

    [Test]
    public void SizesThePiecesOfATorrentOver2GiB()
    {
        // 3 GiB + 1000 bytes in pieces of 128 MiB: 24 full pieces and one of 1000 bytes. The hashes are
        // dummies (nothing is downloaded), so the torrent is small although its content would be large.
        const long total = 3L * 1024 * 1024 * 1024 + 1000;
        const int pieceLength = 128 * 1024 * 1024;
        var info = new MemoryStream();
        info.Write(LessonTorrent.Ascii($"d6:lengthi{total}e4:name7:big.bin12:piece lengthi{pieceLength}e6:pieces500:"));
        info.Write(new byte[25 * 20]);
        info.Write(LessonTorrent.Ascii("e"));
        var torrent = LessonTorrent.ParseValid(LessonTorrent.Wrap(Announce, info.ToArray()).Bytes, "Step 1 (parse) reads it.");

        Assert.That(torrent.PieceCount, Is.EqualTo(25), "3 GiB + 1000 bytes in pieces of 128 MiB make 25 pieces");
        Assert.That(torrent.PieceSize(20), Is.EqualTo(pieceLength), "piece 20 starts at 2.5 GiB and is a full piece");
        Assert.That(torrent.PieceSize(24), Is.EqualTo(1000),
            "the last piece (24) holds 1000 bytes: 24 * 128 MiB = 3 GiB overflows an int, so compute piece offsets and what is left in long");
        Assert.That(torrent.LastPieceLength, Is.EqualTo(1000), "LastPieceLength of a torrent over 2 GiB: TotalLength - (PieceCount - 1) * (long)PieceLength");
    }

    [Test]
    public void RejectsAPieceThatDoesNotExist()
    {
        var torrent = Sample();
        Assert.That(() => torrent.PieceHash(3), Throws.TypeOf<ArgumentOutOfRangeException>(), "piece 3 of 3 does not exist: call CheckPiece(index) first");
        Assert.That(() => torrent.PieceSize(-1), Throws.TypeOf<ArgumentOutOfRangeException>(), "a negative piece index does not exist either");
    }
}
