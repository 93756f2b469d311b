using MeTorrent.Download.Engine;
using MeTorrent.Download.Storage;
using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `seed` works on the user's own files, so it looks before the engine touches them: the data must be
/// there, and no file may be longer than the torrent says (the engine cuts such a file to the torrent's
/// length; a seeder must not change someone's data that way). After the engine's piece check, data of
/// which no piece verifies is refused too.
/// </summary>
public static class SeedDataCheck
{
    /// <summary>Refuses missing data or files longer than the torrent's; a missing empty file is fine (it holds nothing).</summary>
    public static void BeforeStart(Torrent torrent, string dataPath)
    {
        StorageLayout layout;
        try
        {
            layout = StorageLayout.Resolve(torrent, dataPath);
        }
        catch (IOException e)
        {
            throw new UserError(e.Message);
        }
        if (!torrent.IsMultiFile && !File.Exists(layout.Root))
            throw new UserError($"no data at {dataPath}: seed needs the torrent's file ({torrent.Name}, {torrent.TotalLength} bytes)");
        if (torrent.IsMultiFile && !Directory.Exists(layout.Root))
            throw new UserError($"no data at {dataPath}: seed needs the folder that holds the torrent's {torrent.Files.Count} files");
        foreach (var file in torrent.Files.Where(f => !f.IsPadding))
        {
            string path = layout.Paths[layout.IndexOf(file)];
            if (!File.Exists(path))
            {
                if (file.Length == 0) continue;
                throw new UserError($"missing data: {path} does not exist (the torrent has {torrent.Files.Count} files under {dataPath})");
            }
            long length = new FileInfo(path).Length;
            if (length > file.Length)
                throw new UserError($"{path} has {length} bytes but the torrent's file has {file.Length}: not this torrent's data (seed never cuts your files)");
        }
    }

    /// <summary>After the engine's check: refuses data of which no piece verifies; otherwise says how much will be seeded.</summary>
    public static string AfterCheck(TorrentEngine engine, string dataPath)
    {
        var torrent = engine.Torrent;
        int have = engine.PiecesHave, all = torrent.PieceCount;
        if (have == 0 && all > 0)
            throw new UserError($"none of the {all} pieces in {dataPath} match the torrent's hashes: not this torrent's data");
        if (have == all)
            return $"all {all} pieces verified ({Progress.Units.Bytes(torrent.TotalLength)})";
        return $"{have} of {all} pieces verified ({Progress.Units.Bytes(engine.Stats.BytesAlreadyHad)} of {Progress.Units.Bytes(torrent.TotalLength)}); " +
               $"the other {all - have} are missing or damaged: seeding the verified ones (peers that hold the rest may fill the gaps)";
    }
}
