using NUnit.Framework;

namespace MeTorrent.Tests.Support;

/// <summary>
/// For tests that run real programs on real files: a fresh folder under the system's temp folder for each
/// test (<see cref="Work"/>, named after the test class), deleted after it.
/// </summary>
public abstract class WorkFolderTest
{
    protected string Work { get; private set; } = "";

    [SetUp]
    public void CreateWorkFolder()
    {
        Work = Path.Combine(Path.GetTempPath(), $"metorrent-{GetType().Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Work);
    }

    [TearDown]
    public void DeleteWorkFolder()
    {
        if (Directory.Exists(Work))
            Directory.Delete(Work, recursive: true);
    }
}
