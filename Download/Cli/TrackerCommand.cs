using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using MeTorrent.Tracker;

namespace MeTorrent.Download.Cli;

/// <summary>
/// `tracker [--port N]`: runs our small tracker (HTTP and UDP on one port) until Ctrl-C or SIGTERM.
/// Handy to try the client without outside infrastructure; the interop tests run it in a network namespace.
/// </summary>
public sealed class TrackerCommand : ICommand, IHasOptions
{
    public string Name => "tracker";
    public string Summary => "run a small tracker (HTTP + UDP) until Ctrl-C";
    public string Help => """
        Usage: metorrent tracker [--port N] [--address IP] [--interval SECONDS] [--quiet]

        Runs a tracker that accepts any torrent: HTTP announces at http://IP:N/announce and UDP
        announces (BEP 15) at udp://IP:N, until Ctrl-C or SIGTERM. Prints one line per announce.

        Options:
          --port N            the port for both HTTP and UDP (default 6969; 0 picks a free one)
          --address IP        the address to listen on (default 127.0.0.1)
          --interval SECONDS  how often clients should re-announce (default 1800)
          --quiet             print only the announce URLs

        Example:
          metorrent tracker --port 6969
        """;

    public IReadOnlyList<string> ValueOptions => ["--port", "--address", "--interval"];
    public IReadOnlyList<string> FlagOptions => ["--quiet"];

    public async Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation)
    {
        args.ExpectPositionals(0, 0, "no arguments, only options (see metorrent tracker --help)");
        int port = args.IntOption(6969, 0, 65535, "--port");
        int interval = args.IntOption(1800, 1, 86400, "--interval");
        string addressText = args.Option("--address") ?? "127.0.0.1";
        if (!IPAddress.TryParse(addressText, out var address))
            throw new UserError($"--address must be an IP address, not \"{addressText}\"");

        // SIGTERM (e.g. `kill`) stops the tracker as cleanly as Ctrl-C does.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var log = TextWriter.Synchronized(output);
        var options = new TrackerServerOptions
        {
            Address = address,
            Port = port,
            Interval = TimeSpan.FromSeconds(interval),
            MinInterval = TimeSpan.FromSeconds(Math.Min(60, interval)),
            Log = args.Flag("--quiet") ? null : line => log.WriteLine(line),
        };
        await using var server = await StartAsync(options, stop.Token);
        log.WriteLine($"tracker listening: {server.HttpAnnounceUrl} {server.UdpAnnounceUrl}");
        log.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        log.WriteLine("tracker stopped");
        return 0;
    }

    private static async Task<TrackerServer> StartAsync(TrackerServerOptions options, CancellationToken ct)
    {
        try
        {
            return await TrackerServer.StartAsync(options, ct);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new UserError($"cannot listen on {options.Address}:{options.Port.ToString(CultureInfo.InvariantCulture)}: {e.Message}");
        }
    }
}
