namespace MeTorrent.Download.Engine;

/// <summary>
/// The pieces verified this session, in order. Each connection remembers how far it has read and sends
/// a have message for every newer entry on its own task, so the hashing task never waits on a socket.
/// </summary>
public sealed class HaveLog
{
    private readonly Lock _lock = new();
    private readonly List<int> _pieces = [];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(int piece)
    {
        lock (_lock)
        {
            _pieces.Add(piece);
            Volatile.Write(ref _count, _pieces.Count);
        }
    }

    /// <summary>Copies the entries from <paramref name="start"/> on into <paramref name="into"/>; returns the new read position.</summary>
    public int ReadFrom(int start, List<int> into)
    {
        lock (_lock)
        {
            for (int i = start; i < _pieces.Count; i++)
                into.Add(_pieces[i]);
            return _pieces.Count;
        }
    }
}
