using MeTorrent.Bencode;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Bencode;

[Stage(1)]
public class BencodeSmokeTests
{
    [Test]
    public void DecodesTheCourseExample()
    {
        var value = BencodeDecoder.Decode("d3:foo3:bar5:helloi52ee"u8.ToArray());
        Assert.That(BencodeJson.ToJson(value), Is.EqualTo("{\"foo\":\"bar\",\"hello\":52}"));
    }
}
