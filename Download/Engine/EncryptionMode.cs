using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>
/// Message stream encryption (MSE) for a torrent's connections, as mainstream clients name the choice
/// (qBittorrent: allow / require / disable encryption; the CLI's --encryption).
/// </summary>
public enum EncryptionMode
{
    /// <summary>
    /// Both handshakes taken; we dial plain and again with MSE if the peer hangs up on that (and remember
    /// it: that peer's next dials open with MSE).
    /// </summary>
    Prefer,

    /// <summary>Only MSE with RC4 for the whole stream, both ways: plain handshakes refused, ours encrypted.</summary>
    Require,

    /// <summary>Only plain handshakes, both ways: MSE dials refused (aria2 retries in plain a second later).</summary>
    Off,
}

internal static class EncryptionModes
{
    /// <summary>How a connection we dial opens under <paramref name="mode"/>.</summary>
    public static DialEncryption Dial(this EncryptionMode mode) => mode switch
    {
        EncryptionMode.Require => DialEncryption.MseRc4,
        EncryptionMode.Off => DialEncryption.Plain,
        _ => DialEncryption.PlainThenMse,
    };
}
