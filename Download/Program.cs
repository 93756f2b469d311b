using System.Runtime.InteropServices;
using MeTorrent.Download.Cli;

namespace MeTorrent.Download;

/// <summary>
/// The `metorrent` command: picks a subcommand, runs it, turns user errors into one line on stderr.
/// Exit status: 0 success; 1 an error the user can fix (bad arguments or options, a bad or missing
/// file, a failing tracker, peer or disk); 2 no command or an unknown command; 130 interrupted
/// (Ctrl-C or SIGTERM). Any other exception is a bug and keeps its stack trace.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        // Ctrl-C asks the running command to stop cleanly (a download saves its state) instead of killing it.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        // `kill` (SIGTERM) stops as cleanly as Ctrl-C: files are flushed and closed, the tracker told.
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        return await RunAsync(args, Console.Out, Console.Error, cancellation.Token);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellation)
    {
        var commands = CommandRegistry.All();
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(commands, output);
            return args.Length == 0 ? 2 : 0;
        }

        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            errors.WriteLine($"metorrent: unknown command \"{Printable.Text(args[0])}\" (try metorrent --help)");
            return 2;
        }

        try
        {
            var commandLine = CommandLineFor(command, args[1..]);
            if (commandLine.WantsHelp)
            {
                output.WriteLine(command.Help);
                return 0;
            }
            return await command.RunAsync(commandLine, output, cancellation);
        }
        catch (UserError e)
        {
            errors.WriteLine($"metorrent {command.Name}: {Printable.Text(e.Message)}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            errors.WriteLine($"metorrent {command.Name}: interrupted");
            return 130;
        }
        catch (Exception e) when (ErrorMessages.Describe(e) is { } message)
        {
            errors.WriteLine($"metorrent {command.Name}: {Printable.Text(message)}");
            return 1;
        }
    }

    private static CommandLine CommandLineFor(ICommand command, string[] args) =>
        command is IHasOptions withOptions
            ? new CommandLine(args, withOptions.ValueOptions, withOptions.FlagOptions)
            : new CommandLine(args, [], []);

    private static void PrintUsage(IReadOnlyList<ICommand> commands, TextWriter output)
    {
        output.WriteLine("metorrent — a BitTorrent client written from scratch\n");
        output.WriteLine("Usage: metorrent <command> [options] [arguments]\n");
        output.WriteLine("Commands:");
        int width = commands.Max(c => c.Name.Length) + 2;
        foreach (var command in commands)
            output.WriteLine($"  {command.Name.PadRight(width)}{command.Summary}");
        output.WriteLine("\nRun `metorrent <command> --help` for a command's options.");
        output.WriteLine("Exit status: 0 done, 1 error (bad arguments, file, tracker, peer or disk), 2 no or unknown command, 130 interrupted.");
    }
}
