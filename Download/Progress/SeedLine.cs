namespace MeTorrent.Download.Progress;

/// <summary>What a seeder's status line shows at one moment.</summary>
public readonly record struct SeedSample(long Have, long Total, int Peers, long Uploaded);

/// <summary>Formats a seeder's status line: what it holds, peers, bytes uploaded and the upload rate.</summary>
public static class SeedLine
{
    public static string Format(SeedSample sample, double bytesPerSecond)
    {
        string held = sample.Have == sample.Total
            ? Units.Bytes(sample.Total)
            : $"{Units.Bytes(sample.Have)} of {Units.Bytes(sample.Total)}";
        string peers = sample.Peers == 1 ? "1 peer" : $"{sample.Peers} peers";
        return $"seeding {held}  {peers}  uploaded {Units.Bytes(sample.Uploaded)}  {Units.Rate(bytesPerSecond)}";
    }
}
