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
    // Small dictionaries (every one in a real torrent) are searched linearly; a large one gets a hash
    // index on first lookup, so a hostile dictionary with a million keys cannot make lookups quadratic.
    private const int IndexThreshold = 16;

    private readonly List<KeyValuePair<BString, BValue>> _entries = [];
    private Dictionary<ReadOnlyMemory<byte>, int>? _index;

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<BString, BValue>> Entries => _entries;

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public BValue? Get(ReadOnlySpan<byte> key)
    {
        int i = IndexOf(key);
        return i < 0 ? null : _entries[i].Value;
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

    public bool ContainsKey(ReadOnlySpan<byte> key) => IndexOf(key) >= 0;

    /// <summary>Adds or replaces the value under <paramref name="key"/>.</summary>
    public void Set(BString key, BValue value)
    {
        int i = IndexOf(key.Bytes.Span);
        if (i >= 0)
            _entries[i] = new(key, value);
        else
            Append(key, value);
    }

    /// <summary>Adds a new entry without looking for an old one; the decoder rejects duplicate keys itself.</summary>
    internal void Append(BString key, BValue value)
    {
        _index?.Add(key.Bytes, _entries.Count);
        _entries.Add(new(key, value));
    }

    /// <summary>Collection-initializer support: <c>new BDictionary { { "name", new BString("x") } }</c>.</summary>
    public void Add(string key, BValue value) => Set(new BString(key), value);

    public IEnumerator<KeyValuePair<BString, BValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(ReadOnlySpan<byte> key)
    {
        if (_entries.Count <= IndexThreshold)
        {
            for (int i = 0; i < _entries.Count; i++)
                if (_entries[i].Key.Bytes.Span.SequenceEqual(key))
                    return i;
            return -1;
        }
        if (_index is null)
        {
            _index = new Dictionary<ReadOnlyMemory<byte>, int>(_entries.Count, ByteKeyComparer.Instance);
            for (int i = 0; i < _entries.Count; i++)
                _index[_entries[i].Key.Bytes] = i;
        }
        return _index.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out int found) ? found : -1;
    }

    /// <summary>Compares keys by their bytes (a ReadOnlyMemory's own equality compares the buffer, not the content).</summary>
    private sealed class ByteKeyComparer
        : IEqualityComparer<ReadOnlyMemory<byte>>, IAlternateEqualityComparer<ReadOnlySpan<byte>, ReadOnlyMemory<byte>>
    {
        public static readonly ByteKeyComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) => a.Span.SequenceEqual(b.Span);

        public int GetHashCode(ReadOnlyMemory<byte> key) => GetHashCode(key.Span);

        // The alternate form lets a lookup use a span without copying it into an array.
        public bool Equals(ReadOnlySpan<byte> a, ReadOnlyMemory<byte> b) => a.SequenceEqual(b.Span);

        public int GetHashCode(ReadOnlySpan<byte> key)
        {
            var hash = new HashCode();
            hash.AddBytes(key);
            return hash.ToHashCode();
        }

        public ReadOnlyMemory<byte> Create(ReadOnlySpan<byte> key) => key.ToArray();
    }
}
