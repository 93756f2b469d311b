namespace MeTorrent.Tests.Support;

/// <summary>
/// Marks a test (or fixture) as belonging to a course stage, as an NUnit category "Stage01".."Stage05":
/// `dotnet test --filter TestCategory=Stage02` runs one stage.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class StageAttribute(int stage) : NUnit.Framework.CategoryAttribute($"Stage{stage:00}")
{
    public int Stage { get; } = stage;
}
