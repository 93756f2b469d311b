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
    // LESSON 01-bencode.strings: read the length with ReadDigits (terminator ':'), check that many bytes
    // are left, and return them as a slice of the input (no copy).
    private BString ReadString()
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 1 (strings): a byte string is <length>:<bytes>; give back exactly those bytes (binary, not text), and refuse a length longer than what is left. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        int lengthStart = _position;
        long length = ReadDigits(terminator: (byte)':', allowNegative: false);
        long remaining = _input.Length - _position;
        if (length > remaining)
            throw new BencodeException(
                $"string length {length} is larger than the {remaining} bytes left", lengthStart);
        var bytes = _input.Slice(_position, (int)length);
        _position += (int)length;
        return new BString(bytes);
        // END SOLUTION
    }

    // i<digits>e — "i-0e", leading zeros ("i03e") and an empty "ie" are not valid.
    // LESSON 01-bencode.integers: skip the 'i', then read a signed number up to the 'e'.
    private BInteger ReadInteger()
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 2 (integers): an integer is i<base-ten digits>e with an optional '-'; i-0e and leading zeros are invalid. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        _position++; // 'i'
        return new BInteger(ReadDigits(terminator: (byte)'e', allowNegative: true));
        // END SOLUTION
    }

    // l<values>e
    // LESSON 01-bencode.lists: after the 'l', read values with ReadValue(depth + 1) until the 'e'.
    private BList ReadList(int depth)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 3 (lists): a list is l<values>e, and a value can be any bencode, lists included (within the nesting limit). Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        EnterContainer(depth);
        var list = new BList();
        while (Peek() != (byte)'e')
            list.Add(ReadValue(depth + 1));
        _position++; // 'e'
        return list;
        // END SOLUTION
    }

    // d<key><value>...e — keys are byte strings. Unsorted keys are accepted (some real torrents
    // have them; the info hash uses the original bytes anyway); a repeated key is an error.
    // LESSON 01-bencode.dictionaries: after the 'd', read key/value pairs until the 'e'; every key is a
    // byte string, and a key seen twice is an error.
    private BDictionary ReadDictionary(int depth)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 4 (dictionaries): a dictionary is d<key><value>...e; every key is a byte string, a repeated key is an error, unsorted keys are accepted. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        EnterContainer(depth);
        var dictionary = new BDictionary();
        bool sortedSoFar = true;
        ReadOnlySpan<byte> previousKey = default;
        while (Peek() != (byte)'e')
        {
            int keyStart = _position;
            if (Peek() is < (byte)'0' or > (byte)'9')
                throw new BencodeException($"expected a dictionary key (a byte string), found {Describe(Peek())}", _position);
            var key = ReadString();
            key.SourceStart = keyStart;
            key.SourceLength = _position - keyStart;
            // Keys in strictly increasing order (the rule, and the usual case) cannot repeat one another;
            // only an unsorted dictionary needs a real search.
            var keyBytes = key.Bytes.Span;
            sortedSoFar = sortedSoFar && (dictionary.Count == 0 || keyBytes.SequenceCompareTo(previousKey) > 0);
            if (!sortedSoFar && dictionary.ContainsKey(keyBytes))
                throw new BencodeException($"duplicate dictionary key \"{key.Text}\"", keyStart);
            previousKey = keyBytes;
            dictionary.Append(key, ReadValue(depth + 1));
        }
        _position++; // 'e'
        return dictionary;
        // END SOLUTION
    }

    private void EnterContainer(int depth)
    {
        if (depth >= _maxDepth)
            throw new BencodeException($"lists and dictionaries nested deeper than {_maxDepth} levels", _position);
        _position++; // 'l' or 'd'
    }

    // LESSON 01-bencode.strings: read decimal digits up to the terminator; refuse a non-digit, no digits
    // at all, leading zeros, and numbers that do not fit in a long. Skip the terminator.
    // LESSON 01-bencode.integers: when allowNegative, accept one leading '-', but never "-0".
    /// <summary>Reads a canonical decimal number up to <paramref name="terminator"/> and skips the terminator.</summary>
    private long ReadDigits(byte terminator, bool allowNegative)
    {
        // STUB: throw new NotImplementedException("Lesson 01 step 1 (strings): a number is canonical base-ten digits up to a terminator: no leading zero, not empty, and never more than a long holds. Stuck? Lessons/01-Bencode/HINTS.md");
        // BEGIN SOLUTION
        int start = _position;
        bool negative = allowNegative && Peek() == (byte)'-';
        if (negative)
            _position++;

        int firstDigit = _position;
        long value = 0;
        while (Peek() != terminator)
        {
            byte b = _span[_position];
            if (b is < (byte)'0' or > (byte)'9')
                throw new BencodeException($"expected a digit or '{(char)terminator}', found {Describe(b)}", _position);
            int digit = b - '0';
            // Accumulate as a negative number so that long.MinValue fits too.
            if (value < (long.MinValue + digit) / 10)
                throw new BencodeException("number does not fit in 64 bits", start);
            value = value * 10 - digit;
            _position++;
        }

        int digits = _position - firstDigit;
        if (digits == 0)
            throw new BencodeException("expected a number, found none", start);
        if (digits > 1 && _span[firstDigit] == (byte)'0')
            throw new BencodeException("numbers may not have leading zeros", start);
        if (negative && value == 0)
            throw new BencodeException("negative zero is not allowed", start);
        if (!negative && value == long.MinValue)
            throw new BencodeException("number does not fit in 64 bits", start);

        _position++; // terminator
        return negative ? value : -value;
        // END SOLUTION
    }

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7f ? $"'{(char)b}'" : $"byte 0x{b:x2}";
}
