using System.Net;
using System.Net.Sockets;
using MeTorrent.Download.Demo;
using MeTorrent.Tests.Support;
using NUnit.Framework;
using static MeTorrent.Tests.Download.SwarmHelpers;

namespace MeTorrent.Tests.Download;

/// <summary>
/// A peer that accepts the connection and never sends its handshake: `download --verbose` says so
/// (issue 9: it logged "cannot connect: The operation was canceled.").
/// </summary>
[Stage(5)]
public class SilentPeerTests
{
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = TempFolder();

    [TearDown]
    public void Clean() => Delete(_folder);

    [Test]
    public async Task APeerThatNeverHandshakesIsNamedInTheVerboseLog()
    {
        string data = Path.Combine(_folder, "data.bin");
        SamplePayload.WriteFile(data, 50_000, 3);
        string torrent = Path.Combine(_folder, "data.torrent");
        File.WriteAllBytes(torrent, TorrentFor(data, 32768));
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();   // the kernel completes the connection; nobody ever reads or writes

        var result = MeTorrentCli.Run(["download", "-o", Path.Combine(_folder, "out.bin"), torrent, "--verbose",
            "--timeout", "3", "--peer", silent.LocalEndpoint.ToString()!], TimeSpan.FromSeconds(60));
        int code = result.ExitCode;
        var errors = result.Errors;
        Assert.That(code, Is.EqualTo(1));
        Assert.That(errors, Does.Contain($"peer {silent.LocalEndpoint} had sent no handshake"));
        Assert.That(errors, Does.Not.Contain("The operation was canceled"));
    }
}
