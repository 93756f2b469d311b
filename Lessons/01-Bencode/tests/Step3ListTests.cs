using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Bencode.Lesson.LessonBencode;

namespace MeTorrent.Tests.Bencode.Lesson;

/// <summary>Lesson 01, step 3 (01-bencode.lists): lists, l&lt;values&gt;e.</summary>
[Stage(1)]
public class Step3ListTests
{
    [Test]
    public void DecodesAList()
    {
        var value = DecodeValid("l5:helloi52ee", "Step 3 (lists): read values until the 'e', then skip the 'e'.");
        Assert.That(value, Is.TypeOf<BList>(), "\"l...e\" is a list");
        Assert.That(BencodeJson.ToJson(value), Is.EqualTo("[\"hello\",52]"), "\"l5:helloi52ee\" holds the string \"hello\" and the integer 52");
    }

    [Test]
    public void DecodesTheEmptyList()
    {
        Assert.That(((BList)DecodeValid("le", "Step 3 (lists): a list may be empty: check for the 'e' before reading a value.")).Count, Is.Zero, "\"le\" is a list with no items");
    }

    [Test]
    public void DecodesNestedLists()
    {
        Assert.That(BencodeJson.ToJson(DecodeValid("lli1ei2eeli3eee", "Step 3 (lists): an item can be a list; each list skips its own 'e'.")), Is.EqualTo("[[1,2],[3]]"),
            "items can be lists themselves: read each item with ReadValue, which calls ReadList again");
    }

    [Test]
    public void RejectsAListWithoutItsEnd()
    {
        Assert.That(() => Decode("l5:hello"), Throws.TypeOf<BencodeException>(),
            "\"l5:hello\" never ends: Peek() throws a BencodeException at the end of the input");
    }

    [Test]
    public void RejectsNestingDeeperThanTheLimit()
    {
        Assert.That(() => BencodeDecoder.Decode(Bytes("llleee"), maxDepth: 2), Throws.TypeOf<BencodeException>(),
            "three nested lists with maxDepth 2: call EnterContainer(depth), which refuses deep nesting (hostile input could overflow the stack)");
        Assert.That(BencodeJson.ToJson(LessonAssert.Valid(() => BencodeDecoder.Decode(Bytes("llee"), maxDepth: 2), "Step 3 (lists): \"llee\" nests two lists, within maxDepth 2: pass depth + 1 to ReadValue.")), Is.EqualTo("[[]]"),
            "two nested lists are within maxDepth 2: pass depth + 1 to ReadValue for the items");
    }
}
