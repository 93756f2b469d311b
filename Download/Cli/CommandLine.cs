namespace MeTorrent.Download.Cli;

/// <summary>
/// A hand-written argument parser: options (`-o path`, `--peers 4`, `--quiet`) may come anywhere,
/// everything else is a positional argument; `--` ends the options. Each command declares which
/// options take a value, so `-o x` is never mistaken for a flag followed by a positional.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    /// <param name="args">the arguments after the command name</param>
    /// <param name="valueOptions">options that take a value, e.g. "-o", "--output"</param>
    /// <param name="flagOptions">options that stand alone, e.g. "--quiet"</param>
    public CommandLine(IReadOnlyList<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        var takesValue = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var isFlag = new HashSet<string>(flagOptions, StringComparer.Ordinal) { "-h", "--help" };
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                foreach (var rest in args.Skip(i + 1))
                    _positionals.Add(rest.Length > 0 ? rest : throw new UserError("an argument is an empty string (an unset shell variable?)"));
                break;
            }
            string name = arg, inlineValue = "";
            bool hasInline = false;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and var eq)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
                hasInline = true;
            }
            if (takesValue.Contains(name))
            {
                if (!hasInline)
                {
                    if (i + 1 >= args.Count)
                        throw new UserError($"option {name} needs a value");
                    inlineValue = args[++i];
                }
                // An empty value is always a slip (an unset shell variable): no option means "nothing".
                if (inlineValue.Length == 0)
                    throw new UserError($"option {name} needs a value, not an empty string");
                if (!_options.TryGetValue(name, out var values))
                    _options[name] = values = [];
                values.Add(inlineValue);
            }
            else if (isFlag.Contains(name) && !hasInline)
                _flags.Add(name);
            else if (arg.Length > 1 && arg[0] == '-' && !IsNumber(arg))
                throw new UserError($"unknown option {arg}");
            else if (arg.Length == 0)
                throw new UserError("an argument is an empty string (an unset shell variable?)");
            else
                _positionals.Add(arg);
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public bool WantsHelp => _flags.Contains("-h") || _flags.Contains("--help");

    public bool Flag(params string[] names) => names.Any(_flags.Contains);

    /// <summary>The last value given for any of <paramref name="names"/>, or null.</summary>
    public string? Option(params string[] names) =>
        names.Select(n => _options.GetValueOrDefault(n)?.LastOrDefault()).LastOrDefault(v => v is not null);

    /// <summary>Every value given for any of <paramref name="names"/> (repeatable options).</summary>
    public IReadOnlyList<string> Options(params string[] names) =>
        names.SelectMany(n => _options.GetValueOrDefault(n) ?? []).ToList();

    public int IntOption(int defaultValue, int min, int max, params string[] names)
    {
        string? text = Option(names);
        if (text is null) return defaultValue;
        if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new UserError($"option {names[0]} must be a whole number from {min} to {max}, not \"{text}\"");
        return value;
    }

    /// <summary>Checks the count of positional arguments; <paramref name="usage"/> names them for the error.</summary>
    public void ExpectPositionals(int min, int max, string usage)
    {
        if (_positionals.Count < min || _positionals.Count > max)
            throw new UserError($"expected {usage}");
    }

    private static bool IsNumber(string arg) => arg.Length > 1 && arg[0] == '-' && char.IsDigit(arg[1]);
}
