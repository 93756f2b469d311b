using MeTorrent.Bencode;

namespace MeTorrent.Tracker.Dht;

/// <summary>
/// The nodes of the routing table, saved on exit and read at the next start so that the node can rejoin
/// the DHT without a bootstrap router, with the same id (BEP 5 asks nodes to keep theirs). The file is
/// small and bencoded: <c>d2:id20:…5:nodes26n:…e</c>, at most <see cref="MaxNodes"/> nodes.
/// </summary>
public static class SavedNodes
{
    public const int MaxNodes = 200;

    /// <summary>&lt;user data folder&gt;/metorrent/dht-nodes, e.g. ~/.local/share/metorrent/dht-nodes on Linux.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "metorrent", "dht-nodes");

    public sealed record Contents(NodeId Id, IReadOnlyList<NodeContact> Nodes);

    /// <summary>Writes the file whole (a temporary file renamed over the old one).</summary>
    public static void Save(string path, NodeId id, IEnumerable<NodeContact> nodes)
    {
        var file = new BDictionary
        {
            { "id", new BString(id.ToArray()) },
            { "nodes", new BString(CompactNodes.Write(nodes.Take(MaxNodes).ToList())) },
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, BencodeEncoder.Encode(file));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The saved id and nodes, or null if there is no file; a damaged file is a FormatException.</summary>
    public static Contents? Load(string path)
    {
        if (!File.Exists(path))
            return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 64 + MaxNodes * CompactNodes.EntryLength || BencodeDecoder.Decode(bytes, 2, 8) is not BDictionary file)
            throw new FormatException($"{path} is not a saved DHT node list");
        var nodes = DhtFields.Nodes(file, out _);
        return new Contents(DhtFields.Id(file), nodes.Take(MaxNodes).ToList());
    }
}
