using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Bencode.Lesson.LessonBencode;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Lesson 01, step 4 (01-bencode.dictionaries): dictionaries, d&lt;key&gt;&lt;value&gt;...e.</summary>
[Stage(1)]
public class Step4DictionaryTests
{
    [Test]
    public void DecodesTheCourseExample()
    {
        var value = DecodeValid("d3:foo3:bar5:helloi52ee", "Step 4 (dictionaries): read key (a string) and value pairs until the 'e', then skip the 'e'.");
        Assert.That(value, Is.TypeOf<BDictionary>(), "\"d...e\" is a dictionary");
        Assert.That(BencodeJson.ToJson(value), Is.EqualTo("{\"foo\":\"bar\",\"hello\":52}"),
            "\"d3:foo3:bar5:helloi52ee\" maps \"foo\" to \"bar\" and \"hello\" to 52");
    }

    [Test]
    public void LooksUpValuesByKey()
    {
        var dictionary = (BDictionary)DecodeValid("d4:spaml1:a1:bee", "Step 4 (dictionaries): a value can be a list; read it with ReadValue.");
        Assert.That(dictionary["spam"], Is.TypeOf<BList>(), "dictionary[\"spam\"] is the list stored under the key \"spam\"");
        Assert.That(dictionary.Count, Is.EqualTo(1), "one key, one entry");
    }

    [Test]
    public void DecodesTheEmptyDictionary()
    {
        Assert.That(((BDictionary)DecodeValid("de", "Step 4 (dictionaries): a dictionary may be empty: check for the 'e' before reading a key.")).Count, Is.Zero, "\"de\" is a dictionary with no entries");
    }

    [Test]
    public void RemembersWhereANestedDictionaryStood()
    {
        byte[] input = Bytes("d4:infod4:name1:xe5:otheri1ee");
        var info = ((BDictionary)LessonAssert.Valid(() => BencodeDecoder.Decode(input), "Step 4 (dictionaries): \"d4:infod4:name1:xe5:otheri1ee\" is valid bencode."))["info"]!;
        Assert.That(Text(info.SourceBytes(input).Span), Is.EqualTo("d4:name1:xe"),
            "values decoded with ReadValue remember their original bytes; lesson 02 hashes the info dictionary's bytes this way");
    }

    [Test]
    public void AcceptsKeysThatAreNotSorted()
    {
        var value = DecodeValid("d1:bi1e1:ai2ee", "Step 4 (dictionaries): BEP 3 asks writers to sort keys, but real torrents break the rule; decode unsorted keys, never refuse them.");
        Assert.That(BencodeJson.ToJson(value), Is.EqualTo("{\"b\":1,\"a\":2}"), "the entries keep the order of the input");
    }

    [Test]
    public void RejectsAKeyThatIsNotAString()
    {
        Assert.That(() => Decode("di1ei2ee"), Throws.TypeOf<BencodeException>(),
            "dictionary keys are byte strings: a key starting with 'i' is an error");
    }

    [Test]
    public void RejectsADuplicateKey()
    {
        Assert.That(() => Decode("d1:ai1e1:ai2ee"), Throws.TypeOf<BencodeException>(),
            "the key \"a\" appears twice: refuse it (ContainsKey) rather than silently keep one value");
    }

    [Test]
    public void RejectsAKeyWithoutAValue()
    {
        Assert.That(() => Decode("d3:fooe"), Throws.TypeOf<BencodeException>(),
            "the key \"foo\" has no value before the 'e'");
    }

    [Test]
    public void RejectsADictionaryWithoutItsEnd()
    {
        Assert.That(() => Decode("d3:foo3:bar"), Throws.TypeOf<BencodeException>(),
            "\"d3:foo3:bar\" never ends: a BencodeException, never an index error");
    }
}
