using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace MeTorrent.Lessons.Tool;

/// <summary>
/// Compares the public surface of the built reference assembly and the built stub assembly: markers may
/// hide a method body, never a type, a member or a signature. Each assembly is loaded in its own
/// collectible load context, with its dependencies from its own bin folder.
/// </summary>
public static class PublicApi
{
    /// <summary>Compares the public types and members of the built reference and stub assemblies.</summary>
    public static int Compare(string root, Lesson lesson)
    {
        string csproj = Directory.EnumerateFiles(Path.Combine(root, lesson.Source), "*.csproj").Single();
        string assembly = Regex.Match(File.ReadAllText(csproj), "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;
        string reference = Path.Combine(root, lesson.Source, "bin", "Debug", "net10.0", assembly + ".dll");
        string stub = Path.Combine(root, "Lessons", lesson.Folder, "src", "bin", "Debug", "net10.0", assembly + ".dll");
        foreach (string dll in new[] { reference, stub })
        {
            if (File.Exists(dll)) continue;
            Console.WriteLine($"{dll} is missing: build the reference and the lesson first");
            return 1;
        }
        var expected = Of(reference);
        var actual = Of(stub);
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        foreach (string member in missing)
            Console.WriteLine($"  missing from the stubs: {member}");
        foreach (string member in extra)
            Console.WriteLine($"  only in the stubs: {member}");
        Console.WriteLine($"{lesson.Folder}: {expected.Count} public members in {assembly}; stubs {(missing.Count + extra.Count == 0 ? "identical" : "differ")}");
        return missing.Count + extra.Count == 0 ? 0 : 1;
    }

    /// <summary>Every public (and protected) type and member of an assembly, one signature per line, loaded in isolation.</summary>
    private static SortedSet<string> Of(string dll)
    {
        string folder = Path.GetDirectoryName(dll)!;
        var context = new AssemblyLoadContext(dll, isCollectible: true);
        context.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        try
        {
            var api = new SortedSet<string>(StringComparer.Ordinal);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var type in context.LoadFromAssemblyPath(dll).GetExportedTypes())
            {
                api.Add($"{Kind(type)} {type.FullName} : {type.BaseType?.FullName} {string.Join(", ", type.GetInterfaces().Select(i => i.FullName).Order())}");
                foreach (var member in type.GetMembers(all))
                {
                    bool visible = member switch
                    {
                        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
                        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
                        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
                        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily),
                        Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
                        _ => false,
                    };
                    if (!visible) continue;
                    string signature = member is FieldInfo { IsLiteral: true } constant
                        ? $"{member} = {constant.GetRawConstantValue()}"
                        : member.ToString()!;
                    api.Add($"{type.FullName}::{signature}");
                }
            }
            return api;
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
}
