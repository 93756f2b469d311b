using System.Xml.Linq;

namespace MeTorrent.Lessons.Tool;

/// <summary>Reads the TRX log of one lesson's test run and says whether it is what the gate expects.</summary>
public static class TestResults
{
    /// <summary>
    /// Judges a TRX log. reference: more than zero tests, all passed. stub: more than zero tests, none
    /// passed or skipped, and every failure names a NotImplementedException from this lesson's stubs —
    /// except the tests listed in Lessons/NN-Stage/stub-exceptions.txt ("TestName: reason"), which must
    /// fail with a message that names the lesson ("Lesson NN"), whatever the exception.
    /// </summary>
    public static int Judge(string root, string trx, string mode, Lesson lesson)
    {
        if (!File.Exists(trx))
        {
            Console.WriteLine($"no test results ({trx} missing): the build or the test run failed");
            return 1;
        }
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var results = XDocument.Load(trx).Descendants(ns + "UnitTestResult").ToList();
        if (results.Count == 0)
        {
            Console.WriteLine("no tests ran");
            return 1;
        }
        var exceptions = StubExceptions(root, lesson);
        string mark = $"Lesson {lesson.Number}";
        int passed = results.Count(r => (string?)r.Attribute("outcome") == "Passed");
        var wrong = new List<string>();
        foreach (var result in results)
        {
            string name = (string?)result.Attribute("testName") ?? "?";
            string outcome = (string?)result.Attribute("outcome") ?? "?";
            string message = string.Concat(result.Descendants(ns + "ErrorInfo").Elements().Select(e => e.Value));
            if (mode == "reference" && outcome != "Passed")
                wrong.Add($"{name}: {outcome} on the reference: {FirstLine(message)}");
            else if (mode == "stub" && outcome != "Failed")
                wrong.Add($"{name}: {outcome} on the untouched stubs (a test must fail until the student writes the code)");
            else if (mode == "stub" && exceptions.Contains(name) && !message.Contains(mark))
                wrong.Add($"{name}: listed in stub-exceptions.txt, but its failure does not name {mark}: {FirstLine(message)}");
            else if (mode == "stub" && !exceptions.Contains(name) && !(message.Contains("NotImplementedException") && message.Contains(mark)))
                wrong.Add($"{name}: fails on the stubs, but not with a {mark} NotImplementedException: {FirstLine(message)}");
        }
        var names = results.Select(r => (string?)r.Attribute("testName")).ToHashSet();
        foreach (string stale in exceptions.Where(e => !names.Contains(e)))
            wrong.Add($"{stale}: listed in stub-exceptions.txt, but no such test ran");
        foreach (string line in wrong)
            Console.WriteLine($"  {line}");
        Console.WriteLine(mode == "reference"
            ? $"{results.Count} tests, {passed} passed on the reference"
            : $"{results.Count} tests, {results.Count - wrong.Count} fail as they should on the stubs" +
              (exceptions.Count > 0 ? $" ({exceptions.Count} listed in stub-exceptions.txt)" : ""));
        return wrong.Count == 0 ? 0 : 1;
    }

    /// <summary>The test names in Lessons/NN-Stage/stub-exceptions.txt; each line is "TestName: why", # starts a comment.</summary>
    private static HashSet<string> StubExceptions(string root, Lesson lesson)
    {
        string path = Path.Combine(root, "Lessons", lesson.Folder, "stub-exceptions.txt");
        if (!File.Exists(path))
            return [];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int colon = line.IndexOf(':');
            if (colon <= 0 || line[(colon + 1)..].Trim().Length == 0)
                throw new MarkerException($"{path}: \"{line}\" must read \"TestName: why it cannot fail with NotImplementedException\"");
            names.Add(line[..colon].Trim());
        }
        return names;
    }

    public static string FirstLine(string text)
    {
        string line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
