namespace MeTorrent.Download.Cli;

/// <summary>Every `metorrent` subcommand, in the order the help lists them.</summary>
public static class CommandRegistry
{
    public static IReadOnlyList<ICommand> All() =>
    [
        new DecodeCommand(),
        new InfoCommand(),
        new CreateCommand(),
        new PeersCommand(),
        new HandshakeCommand(),
        new DownloadPieceCommand(),
        new DownloadCommand(),
        new SeedCommand(),
        new MagnetParseCommand(),
        new MagnetHandshakeCommand(),
        new MagnetInfoCommand(),
        new MagnetDownloadPieceCommand(),
        new MagnetDownloadCommand(),
        new DemoCommand(),
        new TrackerCommand(),
        new DhtCommand(),
        new BenchCommand(),
    ];
}
