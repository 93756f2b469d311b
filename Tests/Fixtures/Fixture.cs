namespace MeTorrent.Tests.Fixtures;

/// <summary>Files under Tests/Fixtures, copied next to the test assembly by the build.</summary>
public static class Fixture
{
    /// <summary>The course's sample torrent: info hash d69f91e6b2ae4c542468d1073a71d4ea13879a7f, 92063 bytes, 32 KiB pieces.</summary>
    public static string SampleTorrentPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample.torrent");

    public static byte[] SampleTorrent() => File.ReadAllBytes(SampleTorrentPath);

    /// <summary>
    /// Made by libtorrent 2.0 (python3-libtorrent): a hybrid v1+v2 torrent with BEP 47 padding files.
    /// v1 info hash 9791f90c5427e4a7723cc35335c795834642f17f, 16 KiB pieces, 5 pieces, 81920 bytes with padding.
    /// </summary>
    public static string HybridTorrentPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hybrid.torrent");

    /// <summary>Made by mktorrent 1.1 from the same three files: info hash e27480430768b43d54164258d9d48774fcffafad, 2 pieces of 32 KiB.</summary>
    public static string MktorrentTorrentPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mktorrent.torrent");
}
