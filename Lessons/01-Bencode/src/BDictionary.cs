// Lesson 01-Bencode: copied from Bencode/BDictionary.cs by Lessons/tools/lessons.cs. Provided complete; nothing to do here.
using System.Collections;
using System.Text;

namespace MeTorrent.Bencode;

/// <summary>
/// A bencode dictionary, <c>d&lt;key&gt;&lt;value&gt;...e</c>. Keys are byte strings. Entries keep the
/// order they were decoded or added in; the encoder writes them sorted by raw bytes, as BEP 3 requires.
/// Lookups take a UTF-8 key: <c>dict.Get("info"u8)</c> or <c>dict["info"]</c>.
/// </summary>
public sealed class BDictionary : BValue, IEnumerable<KeyValuePair<BString, BValue>>
{
    private readonly List<KeyValuePair<BString, BValue>> _entries = [];

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<BString, BValue>> Entries => _entries;

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public BValue? Get(ReadOnlySpan<byte> key)
    {
        foreach (var entry in _entries)
            if (entry.Key.Bytes.Span.SequenceEqual(key))
                return entry.Value;
        return null;
    }

    public BValue? this[string key]
    {
        get => Get(Encoding.UTF8.GetBytes(key));
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Set(new BString(key), value);
        }
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => Get(key) is not null;

    /// <summary>Adds or replaces the value under <paramref name="key"/>.</summary>
    public void Set(BString key, BValue value)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Key.Equals(key))
            {
                _entries[i] = new(key, value);
                return;
            }
        }
        _entries.Add(new(key, value));
    }

    /// <summary>Adds a new entry; used by the decoder, which rejects duplicate keys itself.</summary>
    internal void Append(BString key, BValue value) => _entries.Add(new(key, value));

    /// <summary>Collection-initializer support: <c>new BDictionary { { "name", new BString("x") } }</c>.</summary>
    public void Add(string key, BValue value) => Set(new BString(key), value);

    public IEnumerator<KeyValuePair<BString, BValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
