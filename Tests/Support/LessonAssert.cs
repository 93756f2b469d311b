using NUnit.Framework;

namespace MeTorrent.Tests.Support;

/// <summary>
/// For the lesson tests: runs the student's code on input that is valid, and turns an exception it throws
/// into a failure that says which rule of the lesson was broken (a bare "BencodeException: unexpected end
/// of input" from deep inside the student's code does not say what to fix). A NotImplementedException
/// passes through unchanged: it names the step that is still to write.
/// </summary>
public static class LessonAssert
{
    public static T Valid<T>(Func<T> act, string rule)
    {
        try
        {
            return act();
        }
        catch (Exception e) when (e is not NotImplementedException and not AssertionException)
        {
            throw Failure(e, rule);
        }
    }

    public static async Task<T> ValidAsync<T>(Func<Task<T>> act, string rule)
    {
        try
        {
            return await act();
        }
        catch (Exception e) when (e is not NotImplementedException and not AssertionException)
        {
            throw Failure(e, rule);
        }
    }

    public static async Task ValidAsync(Func<Task> act, string rule)
    {
        try
        {
            await act();
        }
        catch (Exception e) when (e is not NotImplementedException and not AssertionException)
        {
            throw Failure(e, rule);
        }
    }

    private static AssertionException Failure(Exception e, string rule) =>
        new($"{rule}{Environment.NewLine}  but your code threw {e.GetType().Name}: {e.Message}");
}
