using MeTorrent.Download.Engine;

namespace MeTorrent.Download.Cli;

/// <summary>--encryption prefer|require|off, for the commands that connect to a swarm (download, seed).</summary>
internal static class EncryptionOption
{
    public const string Name = "--encryption";

    public const string Help = """
          --encryption M    message stream encryption (MSE): prefer (default; plain and encrypted
                            handshakes taken, ours plain, then encrypted to a peer that hangs up on it),
                            require (encrypted, RC4 for everything, both ways), off (plain only)
        """;

    public static EncryptionMode Parse(CommandLine args) => args.Option(Name) switch
    {
        null or "prefer" => EncryptionMode.Prefer,
        "require" => EncryptionMode.Require,
        "off" => EncryptionMode.Off,
        var other => throw new UserError($"{Name} takes prefer, require or off, not \"{Printable.Text(other)}\""),
    };
}
