using MeTorrent.Metainfo;

namespace MeTorrent.Download.Cli;

/// <summary>
/// The .torrent assembled from a magnet link's fetched metadata, kept so that resuming a download does not
/// need the peers to send it again: `download -o PATH magnet:...` keeps it at PATH.torrent.
/// </summary>
public static class SavedMetadata
{
    /// <summary>Where `download -o <paramref name="outputPath"/>` keeps the metadata: beside the output, named after it.</summary>
    public static string BesideOutput(string outputPath) => Path.TrimEndingDirectorySeparator(outputPath) + ".torrent";

    /// <summary>The torrent saved at <paramref name="file"/> if it is this magnet's; null if there is none or it is another one.</summary>
    public static Torrent? TryLoad(string file, InfoHash expected)
    {
        if (!File.Exists(file))
            return null;
        try
        {
            var torrent = Torrent.Load(file);
            return torrent.InfoHash == expected ? torrent : null;
        }
        catch (Exception e) when (e is MetainfoException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes beside the final name and renames into place: never half a file.</summary>
    public static void Write(string file, byte[] bytes)
    {
        string full = Path.GetFullPath(file);
        string temporary = $"{full}.{Guid.NewGuid():N}.part";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw new UserError($"cannot write {file}: {e.Message}");
        }
    }
}
