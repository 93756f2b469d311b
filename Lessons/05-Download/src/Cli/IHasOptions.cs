// Lesson 05-Download: copied from Download/Cli/IHasOptions.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Download.Cli;

/// <summary>A command that takes options: which ones expect a value and which stand alone.</summary>
public interface IHasOptions
{
    IReadOnlyList<string> ValueOptions { get; }
    IReadOnlyList<string> FlagOptions { get; }
}
