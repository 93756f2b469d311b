using System.Security.Cryptography;
using MeTorrent.Metainfo;
using MeTorrent.Tracker;

namespace MeTorrent.Tests.Tracker.Fakes;

/// <summary>Announce requests for tests: random info hash and peer id unless given.</summary>
public static class TestRequests
{
    public static InfoHash RandomInfoHash() => new(RandomNumberGenerator.GetBytes(InfoHash.Length));

    public static AnnounceRequest Announce(int port, InfoHash? infoHash = null, AnnounceEvent e = AnnounceEvent.Started, long left = 1000) =>
        new(infoHash ?? RandomInfoHash(), PeerId.Generate(), port) { Event = e, Left = left, Key = 0x1234abcd };

    /// <summary>Generous time-outs for exchanges that should succeed, so a loaded machine never fails them.</summary>
    public static TrackerOptions PatientOptions => new()
    {
        HttpTimeout = TimeSpan.FromSeconds(15),
        Udp = new UdpTrackerOptions { InitialTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 5 },
    };

    /// <summary>Short time-outs so failure tests take a fraction of a second (only for trackers meant to fail).</summary>
    public static TrackerOptions FastOptions => new()
    {
        HttpTimeout = TimeSpan.FromMilliseconds(500),
        Udp = new UdpTrackerOptions { InitialTimeout = TimeSpan.FromMilliseconds(100), MaxAttempts = 3 },
    };

    /// <summary>The <see cref="TrackerException"/> an announce fails with (the test fails if it does not).</summary>
    public static async Task<TrackerException> FailureOf(Func<Task> announce) =>
        (await NUnit.Framework.Assert.ThrowsAsync<TrackerException>(async () => await announce()))!;
}
