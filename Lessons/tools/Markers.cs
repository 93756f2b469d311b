using System.Text;
using System.Text.RegularExpressions;

namespace MeTorrent.Lessons.Tool;

/// <summary>Where a LESSON marker stands: its step id, file and line.</summary>
public sealed record Marker(string Id, string File, int Line);

/// <summary>
/// The markers, written as plain comments in the reference source (Bencode/, Metainfo/, ...):
/// <code>
///   // LESSON 01-bencode.strings: what to do      -> "// TODO(01-bencode.strings): what to do" in the stub
///   // STUB: throw new NotImplementedException("Lesson 01 step 1 (strings): hint");
///                                                 -> the code after "STUB: ", in the stub only
///   // BEGIN SOLUTION ... // END SOLUTION         -> removed from the stub, both lines included
/// </code>
/// A solution block may not nest or stay open; STUB and LESSON lines may not sit inside one; a stub's
/// NotImplementedException must name its lesson; anything that looks like a marker but is not one is an error.
/// </summary>
public static class Markers
{
    private static readonly Regex LessonLine = new(@"^(\s*)// LESSON ([0-9]{2}-[a-z0-9-]+\.[a-z0-9-]+): (\S.*)$");
    private static readonly Regex StubLine = new(@"^(\s*)// STUB: (\S.*)$");
    private static readonly Regex BeginLine = new(@"^\s*// BEGIN SOLUTION\s*$");
    private static readonly Regex EndLine = new(@"^\s*// END SOLUTION\s*$");
    private static readonly Regex AnyMarker = new(@"//\s*(LESSON\b|STUB\b|BEGIN\s+SOLUTION|END\s+SOLUTION)");

    /// <summary>
    /// The stub version of one reference file, or null if the file carries no marker at all: such a file
    /// is not the student's, and the stub project compiles it from the reference folder (Lessons/Stub.targets).
    /// </summary>
    public static string? Transform(string text, string where, Lesson lesson, List<Marker> markers)
    {
        string newline = text.Contains("\r\n") ? "\r\n" : "\n";
        string[] lines = text.Split('\n');
        if (BelongsToAnotherLesson(lines, where, lesson))
            return null;
        var output = new StringBuilder();
        int fileMarkers = 0;
        int? solutionStart = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int number = i + 1;
            if (BeginLine.IsMatch(line))
            {
                if (solutionStart is { } open)
                    throw new MarkerException($"{where}:{number}: BEGIN SOLUTION inside the block opened at line {open} (blocks do not nest)");
                solutionStart = number;
                fileMarkers++;
                continue;
            }
            if (EndLine.IsMatch(line))
            {
                if (solutionStart is null)
                    throw new MarkerException($"{where}:{number}: END SOLUTION without a BEGIN SOLUTION");
                solutionStart = null;
                continue;
            }
            if (LessonLine.Match(line) is { Success: true } lessonMarker)
            {
                string id = lessonMarker.Groups[2].Value;
                if (solutionStart is not null)
                    throw new MarkerException($"{where}:{number}: LESSON marker inside a solution block: the student would never see it");
                if (!id.StartsWith(lesson.MarkerPrefix + ".", StringComparison.Ordinal))
                    throw new MarkerException($"{where}:{number}: marker {id} does not belong to lesson {lesson.MarkerPrefix} (files in {lesson.Source}/ carry {lesson.MarkerPrefix}.* markers)");
                markers.Add(new Marker(id, where, number));
                fileMarkers++;
                output.Append(lessonMarker.Groups[1].Value).Append("// TODO(").Append(id).Append("): ")
                      .Append(lessonMarker.Groups[3].Value).Append(newline);
                continue;
            }
            if (StubLine.Match(line) is { Success: true } stub)
            {
                if (solutionStart is not null)
                    throw new MarkerException($"{where}:{number}: STUB line inside a solution block");
                if (stub.Groups[2].Value.Contains("NotImplementedException") && !stub.Groups[2].Value.Contains($"Lesson {lesson.Number}"))
                    throw new MarkerException($"{where}:{number}: a stub's NotImplementedException message must name \"Lesson {lesson.Number}\" and give a hint");
                fileMarkers++;
                output.Append(stub.Groups[1].Value).Append(stub.Groups[2].Value).Append(newline);
                continue;
            }
            if (AnyMarker.IsMatch(line))
                throw new MarkerException($"{where}:{number}: malformed marker (expected \"// LESSON NN-stage.step: text\", \"// STUB: code\", \"// BEGIN SOLUTION\" or \"// END SOLUTION\"): {line.Trim()}");
            if (solutionStart is null && i < lines.Length - 1)
                output.Append(line).Append(newline);
            else if (solutionStart is null)
                output.Append(line); // the last line: no newline after it, exactly as in the source
        }
        if (solutionStart is { } unclosed)
            throw new MarkerException($"{where}:{unclosed}: BEGIN SOLUTION is never closed");

        if (fileMarkers == 0)
            return null;
        return $"// Lesson {lesson.Folder}: generated from {where} by Lessons/tools. Your file: do the TODOs.{newline}" + output;
    }

    /// <summary>
    /// Two lessons may share a reference project (05-Download and 06-Seeding both come from Download/): a file
    /// whose LESSON markers all name the other lesson is that lesson's, and this one compiles it unchanged.
    /// </summary>
    private static bool BelongsToAnotherLesson(string[] lines, string where, Lesson lesson)
    {
        var owners = lines.Select(l => LessonLine.Match(l.TrimEnd('\r')))
            .Where(m => m.Success)
            .Select(m => LessonTool.Course.FirstOrDefault(c => c.Source == lesson.Source && m.Groups[2].Value.StartsWith(c.MarkerPrefix + ".", StringComparison.Ordinal)))
            .Where(owner => owner is not null)
            .Distinct()
            .ToList();
        if (owners.Count > 1)
            throw new MarkerException($"{where}: markers of {string.Join(" and ", owners.Select(o => o!.MarkerPrefix))} in one file (one file, one lesson)");
        return owners is [{ } owner] && owner != lesson;
    }
}
