// Lesson 01-Bencode: copied from Bencode/BList.cs by Lessons/tools. Provided complete; nothing to do here.
using System.Collections;

namespace MeTorrent.Bencode;

/// <summary>A bencode list, <c>l&lt;values&gt;e</c>.</summary>
public sealed class BList : BValue, IReadOnlyList<BValue>
{
    private readonly List<BValue> _items;

    public BList() => _items = [];

    public BList(IEnumerable<BValue> items) => _items = [.. items];

    public int Count => _items.Count;

    public BValue this[int index] => _items[index];

    public void Add(BValue item) => _items.Add(item);

    public IEnumerator<BValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
