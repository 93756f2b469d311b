using MeTorrent.Download.Engine;
using MeTorrent.Peer;

namespace MeTorrent.Download.Cli;

/// <summary>
/// --encryption prefer|require|off: for the commands that join a swarm (download, seed) both ways; for the
/// one-shot commands that dial one peer at a time (handshake, download_piece, magnet_*) how they dial.
/// </summary>
internal static class EncryptionOption
{
    public const string Name = "--encryption";

    public const string Help = """
          --encryption M    message stream encryption (MSE): prefer (default; plain and encrypted
                            handshakes taken, ours plain, then encrypted to a peer that hangs up on it),
                            require (encrypted, RC4 for everything, both ways), off (plain only)
        """;

    /// <summary>
    /// The --encryption lines of a one-shot command's help (indented two spaces, as its other options), the
    /// description starting <paramref name="column"/> characters after the indent, where the command's others start.
    /// </summary>
    public static string DialHelp(int column)
    {
        string indent = new(' ', 2 + column);
        return $"  {(Name + " M").PadRight(column)}how to dial (message stream encryption, MSE): prefer (default: the plain\n" +
               $"{indent}handshake, then encrypted to a peer that hangs up on it), require (encrypted,\n" +
               $"{indent}RC4 for everything), off (plain only)";
    }

    /// <summary>How a one-shot command dials, from the same three words.</summary>
    public static DialEncryption ParseDial(CommandLine args) => Parse(args).Dial();

    public static EncryptionMode Parse(CommandLine args) => args.Option(Name) switch
    {
        null or "prefer" => EncryptionMode.Prefer,
        "require" => EncryptionMode.Require,
        "off" => EncryptionMode.Off,
        var other => throw new UserError($"{Name} takes prefer, require or off, not \"{Printable.Text(other)}\""),
    };
}
