using System.Net;
using System.Text;
using MeTorrent.Bencode;
using MeTorrent.Peer;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Extensions.Lesson;

/// <summary>Lesson 08, step 1 (08-extensions.extension-handshake): the BEP 10 extension handshake, both ways.</summary>
[Stage(8)]
public class Step1ExtensionHandshakeTests
{
    /// <summary>What libtorrent 2.0.8 sends (captured on 127.0.0.1), with keys we do not know: complete_ago, upload_only.</summary>
    private const string Libtorrent =
        "d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee" +
        "13:metadata_sizei989e1:pi6893e4:reqqi2000e11:upload_onlyi1e1:v18:libtorrent/2.0.8.06:yourip4:\u007f\u0000\u0000\u0001" + "e";

    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static ExtensionHandshake DecodeValid(string latin1, string rule) =>
        LessonAssert.Valid(() => ExtensionHandshake.Decode(Bytes(latin1)), rule);

    private static BDictionary Dictionary(ExtensionHandshake handshake) =>
        BencodeDecoder.Decode(handshake.Encode()) as BDictionary ?? throw new AssertionException("Encode must write a bencoded dictionary");

    private static long Number(BDictionary sent, string key) =>
        sent[key] is BInteger number ? number.Value : throw new AssertionException($"\"{key}\" must be an integer, it is {sent[key]?.GetType().Name ?? "missing"}");

    [Test]
    public void EncodesTheIdsUnderM()
    {
        var ours = new ExtensionHandshake { Ids = new Dictionary<string, byte> { ["ut_pex"] = 2, ["ut_metadata"] = 1 } };
        Assert.That(Encoding.Latin1.GetString(ours.Encode()), Is.EqualTo("d1:md11:ut_metadatai1e6:ut_pexi2eee"),
            "a bencoded dictionary whose \"m\" maps each extension name to the id we receive it under (keys sorted, as bencode wants); nothing else when no hint is set");
    }

    [Test]
    public void EncodesEveryHintThatIsSet()
    {
        var sent = Dictionary(ExtensionHandshake.Ours(31_235, 6881, IPAddress.Loopback));
        Assert.That(Number(sent, "metadata_size"), Is.EqualTo(31_235), "metadata_size: the info dictionary's length (BEP 9)");
        Assert.That(Number(sent, "p"), Is.EqualTo(6881), "p: our listen port");
        Assert.That(sent["v"], Is.EqualTo(new BString(ExtensionNames.ClientVersion)), "v: our client's name and version");
        Assert.That(Number(sent, "reqq"), Is.EqualTo(ExtensionNames.OurRequestQueue), "reqq: how many requests we queue");
        Assert.That(sent["yourip"], Is.EqualTo(new BString(new byte[] { 127, 0, 0, 1 })), "yourip: the peer's address as 4 raw bytes, not the text \"127.0.0.1\"");
        Assert.That(sent["m"], Is.TypeOf<BDictionary>(), "m: the extensions we speak");
    }

    [Test]
    public void LeavesOutTheHintsThatAreNotSet()
    {
        var sent = Dictionary(ExtensionHandshake.Ours(null, null, null));
        Assert.That(sent.Select(entry => entry.Key.Text), Is.EquivalentTo(new[] { "m", "reqq", "v" }),
            "without the metadata, a listen port or the peer's address, metadata_size, p and yourip are left out (not sent as 0 or empty)");
    }

    [Test]
    public void SendsAnIPv4AddressAsFourBytesEvenWhenMappedIntoIPv6()
    {
        var mapped = new ExtensionHandshake { YourIp = IPAddress.Parse("::ffff:10.1.2.3") };
        Assert.That(Dictionary(mapped)["yourip"], Is.EqualTo(new BString(new byte[] { 10, 1, 2, 3 })),
            "an IPv4 peer reached on a dual-stack socket has an IPv4-mapped address: yourip is still its 4 bytes");
        var v6 = new ExtensionHandshake { YourIp = IPAddress.Parse("2001:db8::1") };
        Assert.That(Dictionary(v6)["yourip"], Is.EqualTo(new BString(IPAddress.Parse("2001:db8::1").GetAddressBytes())), "an IPv6 address: its 16 bytes");
    }

    [Test]
    public void ReadsLibtorrentsHandshake()
    {
        var theirs = DecodeValid(Libtorrent, "libtorrent's extension handshake is valid (keys you do not know are ignored, BEP 10)");
        Assert.That(theirs.IdOf("ut_metadata"), Is.EqualTo((byte)2), "m: libtorrent receives ut_metadata under id 2");
        Assert.That(theirs.IdOf("ut_pex"), Is.EqualTo((byte)1), "m: and ut_pex under id 1");
        Assert.That(theirs.Ids, Has.Count.EqualTo(6), "every extension named in m with an id from 1 to 255");
        Assert.That(theirs.MetadataSize, Is.EqualTo(989), "metadata_size");
        Assert.That(theirs.ListenPort, Is.EqualTo(6893), "p");
        Assert.That(theirs.RequestQueue, Is.EqualTo(2000), "reqq");
        Assert.That(theirs.Client, Is.EqualTo("libtorrent/2.0.8.0"), "v");
        Assert.That(theirs.YourIp, Is.EqualTo(IPAddress.Loopback), "yourip: 4 raw bytes");
    }

    [Test]
    public void RoundTripsOurHandshake()
    {
        var ours = ExtensionHandshake.Ours(31_235, 6881, IPAddress.Parse("192.168.1.20"));
        var back = LessonAssert.Valid(() => ExtensionHandshake.Decode(ours.Encode()), "what Encode writes, Decode reads");
        Assert.That(back.Ids, Is.EquivalentTo(ours.Ids));
        Assert.That((back.MetadataSize, back.ListenPort, back.Client, back.RequestQueue, back.YourIp),
            Is.EqualTo((ours.MetadataSize, ours.ListenPort, ours.Client, ours.RequestQueue, ours.YourIp)));
    }

    [Test]
    public void LeavesOutAnExtensionWhoseIdIsZero()
    {
        var theirs = DecodeValid("d1:md11:ut_metadatai0e6:ut_pexi2eee", "an id of 0 is allowed: it means \"disabled\"");
        Assert.That(theirs.IdOf("ut_metadata"), Is.Null, "BEP 10: id 0 means the peer disabled the extension; it must not look supported");
        Assert.That(theirs.IdOf("ut_pex"), Is.EqualTo((byte)2));
    }

    [Test]
    public void AcceptsAHandshakeWithoutM()
    {
        var theirs = DecodeValid("d1:pi6881ee", "every key is optional (BEP 10): a later handshake may update only p");
        Assert.That(theirs.Ids, Is.Empty, "no m: no extension");
        Assert.That(theirs.ListenPort, Is.EqualTo(6881));
    }

    [Test]
    public void IgnoresMalformedHints()
    {
        var theirs = DecodeValid("d1:pi70000e4:reqq1:x1:v5:a\u0001\u0002bc6:yourip3:abce",
            "a malformed hint (p, reqq, v, yourip) is ignored, not a reason to drop the peer");
        Assert.That(theirs.ListenPort, Is.Null, "p = 70000 is no TCP port");
        Assert.That(theirs.RequestQueue, Is.Null, "reqq must be a number");
        Assert.That(theirs.YourIp, Is.Null, "yourip must be 4 or 16 bytes");
        Assert.That(theirs.Client, Is.EqualTo("abc"), "v: control characters dropped (the provided Printable)");
        var chatty = DecodeValid($"d1:v200:{new string('x', 200)}e", "a long v is cut, not refused");
        Assert.That(chatty.Client, Has.Length.EqualTo(ExtensionHandshake.MaxClientLength), "v is cut to MaxClientLength characters");
    }

    [TestCase("not bencode", TestName = "RefusesBytesThatAreNotBencode")]
    [TestCase("li1ee", TestName = "RefusesAListInsteadOfADictionary")]
    [TestCase("d1:mi1ee", TestName = "RefusesAnMThatIsNotADictionary")]
    [TestCase("d1:md11:ut_metadatai256eee", TestName = "RefusesAnIdAbove255")]
    [TestCase("d1:md11:ut_metadatai-1eee", TestName = "RefusesANegativeId")]
    [TestCase("d1:md11:ut_metadata3:oneee", TestName = "RefusesAnIdThatIsNotANumber")]
    [TestCase("d13:metadata_sizei-5ee", TestName = "RefusesANegativeMetadataSize")]
    public void RefusesAMalformedHandshake(string latin1)
    {
        Assert.That(() => ExtensionHandshake.Decode(Bytes(latin1)), Throws.TypeOf<PeerProtocolException>(),
            "a malformed extension handshake is the peer's fault: a PeerProtocolException (catch the BencodeException and say what is wrong), which drops that peer");
    }

    [Test]
    public void RefusesMoreThanMaxExtensions()
    {
        var m = string.Concat(Enumerable.Range(0, ExtensionHandshake.MaxExtensions + 1).Select(i => $"4:x{i:000}i1e"));
        Assert.That(() => ExtensionHandshake.Decode(Bytes($"d1:md{m}ee")), Throws.TypeOf<PeerProtocolException>(),
            $"more than MaxExtensions ({ExtensionHandshake.MaxExtensions}) names in m: refused, the peer is feeding us memory");
    }

    [Test]
    public void RefusesAHandshakeOverMaxLength()
    {
        string filler = new('x', ExtensionHandshake.MaxLength);
        Assert.That(() => ExtensionHandshake.Decode(Bytes($"d1:v{filler.Length}:{filler}e")), Throws.TypeOf<PeerProtocolException>(),
            $"a handshake of more than MaxLength ({ExtensionHandshake.MaxLength}) bytes is refused before it is decoded");
    }
}
