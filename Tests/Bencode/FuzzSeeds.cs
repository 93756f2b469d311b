using MeTorrent.Bencode;

namespace MeTorrent.Tests.Bencode;

/// <summary>Valid inputs the fuzz tests start from: torrents made by real tools (course sample, libtorrent hybrid, mktorrent) and by hand.</summary>
public static class FuzzSeeds
{
    public static IReadOnlyList<byte[]> All()
    {
        var multiFile = new BDictionary
        {
            { "announce", new BString("http://127.0.0.1:6969/announce") },
            { "announce-list", new BList([new BList([new BString("http://127.0.0.1:6969/announce")]), new BList([new BString("udp://127.0.0.1:6969")])]) },
            { "creation date", new BInteger(1_700_000_000) },
            { "info", new BDictionary
                {
                    { "files", new BList([
                        new BDictionary { { "length", new BInteger(5) }, { "path", new BList([new BString("a"), new BString("b.txt")]) } },
                        new BDictionary { { "length", new BInteger(0) }, { "path", new BList([new BString("empty")]) } },
                        new BDictionary { { "attr", new BString("p") }, { "length", new BInteger(3) }, { "path", new BList([new BString(".pad"), new BString("3")]) } },
                        new BDictionary { { "length", new BInteger(9) }, { "path", new BList([new BString("c")]) } },
                    ]) },
                    { "name", new BString("folder") },
                    { "piece length", new BInteger(16) },
                    { "pieces", new BString(new byte[40]) },
                    { "private", new BInteger(1) },
                }
            },
        };
        var singleFile = new BDictionary
        {
            { "announce", new BString("http://127.0.0.1/a") },
            { "info", new BDictionary
                {
                    { "length", new BInteger(20) },
                    { "name", new BString("file.bin") },
                    { "piece length", new BInteger(16) },
                    { "pieces", new BString(new byte[40]) },
                }
            },
        };
        return
        [
            Fixtures.Fixture.SampleTorrent(),
            File.ReadAllBytes(Fixtures.Fixture.HybridTorrentPath),
            File.ReadAllBytes(Fixtures.Fixture.MktorrentTorrentPath),
            BencodeEncoder.Encode(multiFile),
            BencodeEncoder.Encode(singleFile),
        ];
    }
}
