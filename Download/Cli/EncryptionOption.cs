using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Cli;

/// <summary>--encryption prefer|require|off, for the commands that connect to a swarm (download, seed).</summary>
internal static class EncryptionOption
{
    public const string Name = "--encryption";

    public static EncryptionMode Parse(CommandLine args) => args.Option(Name) switch
    {
        null or "prefer" => EncryptionMode.Prefer,
        "require" => EncryptionMode.Require,
        "off" => EncryptionMode.Off,
        var other => throw new UserError($"{Name} takes prefer, require or off, not \"{Printable.Text(other)}\""),
    };
}
