using MeTorrent.Metainfo;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Metainfo;

[Stage(2)]
public class SafePathTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("metorrent-safepath-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [TestCase("file.txt")]
    [TestCase("..hidden")]
    [TestCase("a..b")]
    [TestCase(".pad")]
    [TestCase("été ✓")]
    public void OrdinaryComponentsAreSafe(string component) => Assert.That(SafePath.Problem(component), Is.Null);

    [TestCase("")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("/")]
    [TestCase("/etc")]
    [TestCase("a/b")]
    [TestCase("a\\b")]
    [TestCase("x\0")]
    [TestCase("C:")]
    public void DangerousComponentsAreNamed(string component) => Assert.That(SafePath.Problem(component), Is.Not.Null.And.Not.Empty);

    [Test]
    public void CombineStaysInsideTheRoot()
    {
        string path = SafePath.Combine(_root, ["sub", "file.txt"]);
        Assert.That(path, Is.EqualTo(Path.Combine(_root, "sub", "file.txt")));
        Assert.That(new TorrentFile(["a", "b"], 1, 0).ResolveUnder(_root), Is.EqualTo(Path.Combine(_root, "a", "b")));
    }

    [TestCase("..", "etc", "passwd")]
    [TestCase("/etc/passwd")]
    [TestCase("sub", "..", "..", "x")]
    [TestCase("a/../../b")]
    [TestCase("")]
    public void CombineRefusesEveryEscape(params string[] components)
    {
        var error = Assert.Throws<MetainfoException>(() => SafePath.Combine(_root, components))!;
        Assert.That(error.Message, Does.StartWith("Unsafe file path in torrent"));
    }

    [Test]
    public void AHostileTorrentCannotNameAFileOutsideTheOutputFolder()
    {
        // Every component the parser accepts resolves inside the root: the two checks agree.
        string[] attempts = ["..", "../..", "/tmp/x", "~", ".", "a\\..\\..", "..\u2215x", "\u002e\u002e"];
        foreach (string attempt in attempts)
        {
            if (SafePath.Problem(attempt) is not null)
                continue;
            string resolved = SafePath.Combine(_root, [attempt]);
            Assert.That(resolved, Does.StartWith(_root + Path.DirectorySeparatorChar), attempt);
        }
    }

    [Test]
    public void ASymbolicLinkInsideTheOutputFolderIsNeverFollowed()
    {
        string outside = Directory.CreateTempSubdirectory("metorrent-outside-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, "sub"), outside);
            File.CreateSymbolicLink(Path.Combine(_root, "file.txt"), Path.Combine(outside, "file.txt"));
            var viaFolder = Assert.Throws<MetainfoException>(() => SafePath.Combine(_root, ["sub", "b"]))!;
            Assert.That(viaFolder.Message, Does.Contain("symbolic link"));
            Assert.Throws<MetainfoException>(() => SafePath.Combine(_root, ["file.txt"]));
            Assert.That(Directory.GetFileSystemEntries(outside), Is.Empty, "nothing was written through the links");
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Test]
    public void TheOutputFolderItselfMayBeALink()
    {
        string link = _root + "-link";
        Directory.CreateSymbolicLink(link, _root);
        try
        {
            Assert.That(SafePath.Combine(link, ["a", "b"]), Is.EqualTo(Path.Combine(link, "a", "b")));
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Test]
    public void TorrentFilesLandUnderTheOutputFolderAndTheTorrentName()
    {
        var multi = TorrentParser.Parse(TestTorrents.Wrap(TestTorrents.MultiFileInfo(16, 5, 5)));
        Assert.That(multi.PathOnDisk(_root, multi.Files[1]), Is.EqualTo(Path.Combine(_root, "folder", "f1")));
        var single = TorrentParser.Parse(TestTorrents.Wrap(TestTorrents.SingleFileInfo(5, 16)));
        Assert.That(single.PathOnDisk(_root, single.Files[0]), Is.EqualTo(Path.Combine(_root, "file.bin")));
    }
}
