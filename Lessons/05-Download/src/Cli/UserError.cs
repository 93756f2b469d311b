// Lesson 05-Download: copied from Download/Cli/UserError.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Download.Cli;

/// <summary>A mistake the user can fix (bad arguments, missing file): one line on stderr, exit code 1, no stack trace.</summary>
public sealed class UserError(string message) : Exception(message);
