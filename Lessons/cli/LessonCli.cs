namespace MeTorrent.Lessons.Cli;

/// <summary>
/// Runs the reference CLI (<see cref="MeTorrent.Download.Program"/>) on whatever assemblies sit beside this
/// program: with a lesson swapped in, the student's code answers where the reference would have. A stub the
/// student has not written yet ends the command with one line naming the lesson and step, not a stack trace.
/// </summary>
public static class LessonCli
{
    public static async Task<int> RunAsync(string[] args, string? lesson)
    {
        if (args is ["swarm", ..])
        {
            if (lesson is not null)
            {
                Console.Error.WriteLine($"metorrent swarm: run the swarm on the reference alone, without -p:Lesson ({lesson} is swapped in here): " +
                                        "dotnet run --project Lessons/cli -- swarm");
                return 2;
            }
            return await SwarmCommand.RunAsync(args[1..]);
        }
        try
        {
            return await MeTorrent.Download.Program.Main(args);
        }
        catch (NotImplementedException e)
        {
            string command = args.Length > 0 ? $"metorrent {args[0]}" : "metorrent";
            Console.Error.WriteLine($"{command}: this needs code you have not written yet: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
