namespace MeTorrent.Download.Benchmarks.Fuzzing;

/// <summary>
/// One parser under fuzzing: valid inputs to mutate, the code that reads an input the way the client
/// reads it off the network or disk, and the exception types that are a proper refusal (the project's
/// own, with a one-line message). Anything else escaping <see cref="Run"/> is a bug.
/// </summary>
public sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Seeds, Action<byte[]> Run, IReadOnlyList<Type> Refusals)
{
    public bool IsRefusal(Exception e) => Refusals.Contains(e.GetType());
}
