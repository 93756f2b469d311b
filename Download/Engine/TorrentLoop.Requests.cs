using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>Asking for blocks: interest (BEP 3), keeping each queue full, withdrawing requests.</summary>
internal sealed partial class TorrentLoop
{
    /// <summary>
    /// Keeps the peer's request queue full while it unchokes us and has pieces we need (pipelining:
    /// <see cref="QueueDepth"/>, <see cref="DownloadState.TopUp"/>); says not-interested when it has
    /// nothing left for us (BEP 3).
    /// </summary>
    private void TopUp(PeerState peer)
    {
        if (peer.PeerChoking || !peer.AmInterested || peer.IsClosed)
            return;
        peer.ChokedSinceTicks = long.MaxValue;
        int count = State.TopUp(peer.Requests, peer.Pieces, peer.Depth.Current, _picked);
        for (int i = 0; i < count; i++)
            peer.Send(PeerCommand.Request(_picked[i]));
        if (count == 0 && peer.Requests.Outstanding.Count == 0 && !State.WantsAnythingFrom(peer.Pieces))
            SetInterested(peer, false);
    }

    private void TopUpAll()
    {
        foreach (var peer in _peers)
            TopUp(peer);
    }

    /// <summary>Interested while the peer has a piece we lack (BEP 3), then asks for blocks if it unchokes us.</summary>
    private void UpdateInterest(PeerState peer)
    {
        bool wanted = !State.IsComplete && State.WantsAnythingFrom(peer.Pieces);
        if (wanted && !peer.AmInterested)
            peer.ChokedSinceTicks = Environment.TickCount64;
        SetInterested(peer, wanted);
        TopUp(peer);
    }

    private static void SetInterested(PeerState peer, bool interested)
    {
        if (peer.AmInterested == interested)
            return;
        peer.AmInterested = interested;
        peer.Send(PeerCommand.Simple(interested ? CommandKind.Interested : CommandKind.NotInterested));
    }

    /// <summary>Endgame: another peer delivered blocks we had also asked these for.</summary>
    // LESSON 05-download.endgame: each (ledger, request) in _cancels is a peer that need not send that block any more:
    // find its connection (_byLedger; it may have left) and Withdraw the request there. Then _cancels is empty again.
    private void SendCancels()
    {
        // STUB: throw new NotImplementedException("Lesson 05 step 4 (endgame): another peer delivered these blocks first; what do the slower peers hear? (README, step 4; HINTS.md)");
        // BEGIN SOLUTION
        foreach (var (ledger, request) in _cancels)
            if (_byLedger.TryGetValue(ledger, out var other))
                Withdraw(other, request);
        _cancels.Clear();
        // END SOLUTION
    }

    /// <summary>A cancel for a request the ledger has already let go of; a BEP 6 peer still answers it.</summary>
    private static void Withdraw(PeerState peer, BlockRequest request)
    {
        if (peer.SupportsFast)
            peer.Cancelled.Add(request);
        peer.Send(PeerCommand.Cancel(request));
    }
}
