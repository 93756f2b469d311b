namespace MeTorrent.Download.Engine;

/// <summary>
/// How many blocks of all the pieces in flight are free (neither requested nor received), kept up to date by
/// the pieces themselves (<see cref="InFlightPiece"/>). With it, the request side sees in one read that there is
/// nothing to take, instead of scanning every piece in flight after every block that arrives.
/// </summary>
public sealed class FreeBlockCount
{
    public int Value { get; private set; }

    internal void Add(int blocks) => Value += blocks;
}
