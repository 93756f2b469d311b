namespace MeTorrent.Tests.Fixtures;

/// <summary>Files under Tests/Fixtures, copied next to the test assembly by the build.</summary>
public static class Fixture
{
    /// <summary>The course's sample torrent: info hash d69f91e6b2ae4c542468d1073a71d4ea13879a7f, 92063 bytes, 32 KiB pieces.</summary>
    public static string SampleTorrentPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample.torrent");

    public static byte[] SampleTorrent() => File.ReadAllBytes(SampleTorrentPath);
}
