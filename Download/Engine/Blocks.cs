namespace MeTorrent.Download.Engine;

/// <summary>
/// Pieces are fetched in blocks of 16 KiB, the size every client requests and most refuse to exceed
/// (BEP 3 practice); the last block of the last piece may be shorter.
/// </summary>
public static class Blocks
{
    public const int Size = 16 * 1024;

    public static int CountIn(int pieceLength) => (pieceLength + Size - 1) / Size;

    public static int LengthOf(int pieceLength, int block) => Math.Min(Size, pieceLength - block * Size);
}
