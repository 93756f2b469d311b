namespace MeTorrent.Download.Demo;

/// <summary>
/// Ways a seeder can misbehave, to show (demo --liar) and test that the downloader copes. The engine
/// knows nothing of them: <see cref="DemoSwarm.AddSeederAsync"/> builds a seeder that serves through a
/// <see cref="MisbehavingBlockSource"/> (or, for <see cref="NeverUnchoke"/>, has no upload slot).
/// </summary>
internal enum SeederQuirk
{
    None,
    /// <summary>Sends blocks with flipped bytes: its pieces fail the hash check and it gets banned.</summary>
    CorruptBlocks,
    /// <summary>Accepts connections but never unchokes anyone.</summary>
    NeverUnchoke,
    /// <summary>Serves half a piece's worth of blocks, then drops the connection.</summary>
    DisconnectMidPiece,
    /// <summary>Unchokes, then ignores every request: the downloader must time the requests out and ask others.</summary>
    Silent,
    /// <summary>Waits 2 ms before each block (at most ~8 MiB/s): lets tests stop a download part way.</summary>
    Slow,
}
