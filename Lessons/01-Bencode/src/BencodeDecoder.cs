// Lesson 01-Bencode: generated from Bencode/BencodeDecoder.cs by Lessons/tools. Your file: do the TODOs.
namespace MeTorrent.Bencode;

/// <summary>
/// Turns bencoded bytes into <see cref="BValue"/>s (BEP 3). One pass over the input, no copies:
/// byte strings are slices of the input. Hostile input ends in a <see cref="BencodeException"/>,
/// never in an out-of-range index, a hang or a huge allocation. It is a ref struct so that it can keep
/// the input as a span: the hot loops index bytes directly instead of re-deriving a span each time.
/// </summary>
public ref struct BencodeDecoder
{
    /// <summary>Deepest nesting of lists and dictionaries accepted by default.</summary>
    public const int DefaultMaxDepth = 256;

    /// <summary>
    /// Most values accepted in one input by default. Every value costs an object of some 60 bytes, so
    /// "lelele..." would otherwise turn a 100 MB input into gigabytes; a 100,000-file torrent has ~1.1 million.
    /// </summary>
    public const int DefaultMaxValues = 5_000_000;

    private readonly ReadOnlyMemory<byte> _input; // decoded strings are slices of this: no copies
    private readonly ReadOnlySpan<byte> _span;    // the same bytes, for fast reading
    private readonly int _maxDepth;
    private readonly int _maxValues;
    private int _valuesLeft;
    private int _position;

    private BencodeDecoder(ReadOnlyMemory<byte> input, int maxDepth, int maxValues)
    {
        _input = input;
        _span = input.Span;
        _maxDepth = maxDepth;
        _maxValues = maxValues;
        _valuesLeft = maxValues;
    }

    /// <summary>Decodes exactly one value; anything after it is an error.</summary>
    public static BValue Decode(ReadOnlyMemory<byte> input, int maxDepth = DefaultMaxDepth, int maxValues = DefaultMaxValues)
    {
        var decoder = new BencodeDecoder(input, maxDepth, maxValues);
        var value = decoder.ReadValue(depth: 0);
        if (decoder._position != input.Length)
            throw new BencodeException("unexpected data after the end of the value", decoder._position);
        return value;
    }

    /// <summary>Decodes one value at the start of <paramref name="input"/> and reports how many bytes it used.</summary>
    public static BValue DecodePrefix(ReadOnlyMemory<byte> input, out int consumed,
        int maxDepth = DefaultMaxDepth, int maxValues = DefaultMaxValues)
    {
        var decoder = new BencodeDecoder(input, maxDepth, maxValues);
        var value = decoder.ReadValue(depth: 0);
        consumed = decoder._position;
        return value;
    }

    private readonly byte Peek()
    {
        if ((uint)_position >= (uint)_span.Length)
            throw new BencodeException("unexpected end of input", _position);
        return _span[_position];
    }

    private BValue ReadValue(int depth)
    {
        int start = _position;
        if (--_valuesLeft < 0)
            throw new BencodeException($"more than {_maxValues} values in one input", _position);
        BValue value = Peek() switch
        {
            (byte)'i' => ReadInteger(),
            (byte)'l' => ReadList(depth),
            (byte)'d' => ReadDictionary(depth),
            >= (byte)'0' and <= (byte)'9' => ReadString(),
            var other => throw new BencodeException(
                $"expected 'i', 'l', 'd' or a digit, found {Describe(other)}", _position),
        };
        value.SourceStart = start;
        value.SourceLength = _position - start;
        return value;
    }

    // <length>:<bytes> — the length is decimal, with no sign and no leading zeros.
    // TODO(01-bencode.strings): read the length with ReadDigits (terminator ':'), check that many bytes
    // are left, and return them as a slice of the input (no copy).
    private BString ReadString()
    {
        throw new NotImplementedException("Lesson 01 step 1 (strings): a byte string is <length>:<bytes>; give back exactly those bytes (binary, not text), and refuse a length longer than what is left. Stuck? Lessons/01-Bencode/HINTS.md");
    }

    // i<digits>e — "i-0e", leading zeros ("i03e") and an empty "ie" are not valid.
    // TODO(01-bencode.integers): skip the 'i', then read a signed number up to the 'e'.
    private BInteger ReadInteger()
    {
        throw new NotImplementedException("Lesson 01 step 2 (integers): an integer is i<base-ten digits>e with an optional '-'; i-0e and leading zeros are invalid. Stuck? Lessons/01-Bencode/HINTS.md");
    }

    // l<values>e
    // TODO(01-bencode.lists): after the 'l', read values with ReadValue(depth + 1) until the 'e'.
    private BList ReadList(int depth)
    {
        throw new NotImplementedException("Lesson 01 step 3 (lists): a list is l<values>e, and a value can be any bencode, lists included (within the nesting limit). Stuck? Lessons/01-Bencode/HINTS.md");
    }

    // d<key><value>...e — keys are byte strings. Unsorted keys are accepted (some real torrents
    // have them; the info hash uses the original bytes anyway); a repeated key is an error.
    // TODO(01-bencode.dictionaries): after the 'd', read key/value pairs until the 'e'; every key is a
    // byte string, and a key seen twice is an error.
    private BDictionary ReadDictionary(int depth)
    {
        throw new NotImplementedException("Lesson 01 step 4 (dictionaries): a dictionary is d<key><value>...e; every key is a byte string, a repeated key is an error, unsorted keys are accepted. Stuck? Lessons/01-Bencode/HINTS.md");
    }

    private void EnterContainer(int depth)
    {
        if (depth >= _maxDepth)
            throw new BencodeException($"lists and dictionaries nested deeper than {_maxDepth} levels", _position);
        _position++; // 'l' or 'd'
    }

    // TODO(01-bencode.strings): read decimal digits up to the terminator; refuse a non-digit, no digits
    // at all, leading zeros, and numbers that do not fit in a long. Skip the terminator.
    // TODO(01-bencode.integers): when allowNegative, accept one leading '-', but never "-0".
    /// <summary>Reads a canonical decimal number up to <paramref name="terminator"/> and skips the terminator.</summary>
    private long ReadDigits(byte terminator, bool allowNegative)
    {
        throw new NotImplementedException("Lesson 01 step 1 (strings): a number is canonical base-ten digits up to a terminator: no leading zero, not empty, and never more than a long holds. Stuck? Lessons/01-Bencode/HINTS.md");
    }

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7f ? $"'{(char)b}'" : $"byte 0x{b:x2}";
}
