using NUnit.Framework;

// No namespace: NUnit runs a SetUpFixture outside every namespace once, before any test of the assembly.

/// <summary>
/// The tests' own user data folder (XDG_DATA_HOME), for this process and every `metorrent` it starts: the DHT's
/// saved nodes of whoever runs the tests (a real `download --dht-bootstrap` on this machine) must neither change
/// what a test sees (a download with no DHT options joins the DHT when nodes were saved) nor be overwritten by a test.
/// </summary>
[SetUpFixture]
public sealed class PrivateDataFolder
{
    private string? _folder;

    [OneTimeSetUp]
    public void UseAFreshFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"metorrent-tests-data-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", _folder);
    }

    [OneTimeTearDown]
    public void RemoveIt()
    {
        if (_folder is not null && Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
