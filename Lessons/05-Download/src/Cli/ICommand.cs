// Lesson 05-Download: copied from Download/Cli/ICommand.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Download.Cli;

/// <summary>One `metorrent` subcommand.</summary>
public interface ICommand
{
    /// <summary>The word typed after `metorrent`, e.g. "info".</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>The full help text shown by `metorrent NAME --help`.</summary>
    string Help { get; }

    /// <summary>Runs the command; returns the process exit code. Throw <see cref="UserError"/> for bad input.</summary>
    Task<int> RunAsync(CommandLine args, TextWriter output, CancellationToken cancellation);
}
