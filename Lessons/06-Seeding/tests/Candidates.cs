using MeTorrent.Download.Choking;

namespace MeTorrent.Tests.Seeding.Lesson;

/// <summary>Candidates for the choking tests, named by a string, described by what matters to each rule.</summary>
public static class Candidates
{
    public static readonly TimeSpan LongAgo = TimeSpan.FromMinutes(10);

    /// <summary>An interested peer, connected ten minutes ago, that unchokes us and sent a block just now.</summary>
    public static ChokeCandidate<string> Candidate(
        string name, double givesUs = 0, double weGive = 0, bool interested = true,
        double connectedSeconds = 600, double secondsSinceBlock = 0, bool chokesUs = false) =>
        new(name, interested, givesUs, weGive, TimeSpan.FromSeconds(connectedSeconds), TimeSpan.FromSeconds(secondsSinceBlock), chokesUs);

    public static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

    public static Choker<string> NewChoker(int seed = 1, int slots = 4) =>
        new(new ChokerSettings { RegularSlots = slots }, new Random(seed));
}
