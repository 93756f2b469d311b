using System.Net;
using MeTorrent.Download.Cli;
using MeTorrent.Tests.Support;
using NUnit.Framework;

namespace MeTorrent.Tests.Cli;

/// <summary>`--peer` and `handshake` addresses: dotted IPv4 or bracketed IPv6 with a port, nothing looser.</summary>
[Stage(4)]
public class PeerAddressTests
{
    [TestCase("127.0.0.1:6881", "127.0.0.1", 6881)]
    [TestCase("10.0.0.255:1", "10.0.0.255", 1)]
    [TestCase("[::1]:6881", "::1", 6881)]
    [TestCase("[2001:db8::7]:65535", "2001:db8::7", 65535)]
    public void GoodAddressesParse(string text, string ip, int port)
    {
        var endpoint = PeerAddress.Parse(text);
        Assert.That(endpoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse(ip), port)));
    }

    [TestCase("1.2.3", "the port is missing")]
    [TestCase("127.0.0.1", "the port is missing")]
    [TestCase("127.0.0.1:", "the port must be a number from 1 to 65535")]
    [TestCase("127.0.0.1:0", "the port must be a number from 1 to 65535")]
    [TestCase("127.0.0.1:65536", "the port must be a number from 1 to 65535")]
    [TestCase("127.0.0.1:-1", "the port must be a number from 1 to 65535")]
    [TestCase("127.0.0.1: 80", "the port must be a number from 1 to 65535")]
    [TestCase("[::1]:x", "the port must be a number from 1 to 65535")]
    [TestCase("1:1", "not an IPv4 address")]          // IPEndPoint.TryParse reads 0.0.0.1:1
    [TestCase("127.1:80", "not an IPv4 address")]      // ... and 127.0.0.1:80
    [TestCase("0x7f000001:80", "not an IPv4 address")]
    [TestCase("300.1.1.1:80", "not an IPv4 address")]
    [TestCase(" 127.0.0.1:80", "not an IPv4 address")]
    [TestCase("localhost:6881", "give an IP address; host names are not looked up")]
    [TestCase("::1:6881", "put an IPv6 address in brackets, like [::1]:6881")]
    [TestCase("[::1]", "put the port after the brackets, like [::1]:6881")]
    [TestCase("[::1]6881", "put the port after the brackets, like [::1]:6881")]
    [TestCase("[127.0.0.1]:80", "the part in brackets is not an IPv6 address")]
    [TestCase(":80", "the IP address is missing")]
    public void BadAddressesSayWhy(string text, string why)
    {
        var error = Assert.Throws<UserError>(() => PeerAddress.Parse(text))!;
        Assert.That(error.Message, Is.EqualTo($"\"{text}\" is not a peer address like 127.0.0.1:6881 or [::1]:6881 ({why})"));
    }

    [Test]
    public async Task TheCommandsUseIt()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mt-address-{Guid.NewGuid():N}");
        try
        {
            string torrent = Support.Seeders.TestTorrent.Create(20000, 16384).WriteTo(folder);
            var handshake = await CliRunner.RunAsync("handshake", torrent, "localhost:1");
            Assert.That(handshake.ExitCode, Is.EqualTo(1));
            Assert.That(handshake.Errors.TrimEnd(), Is.EqualTo("metorrent handshake: \"localhost:1\" is not a peer address like 127.0.0.1:6881 or [::1]:6881 (give an IP address; host names are not looked up)"));

            var piece = await CliRunner.RunAsync("download_piece", "-o", Path.Combine(folder, "p"), torrent, "0", "--peer", "1:1");
            Assert.That(piece.ExitCode, Is.EqualTo(1));
            Assert.That(piece.Errors, Does.Contain("\"1:1\" is not a peer address"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
