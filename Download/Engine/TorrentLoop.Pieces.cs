using System.Net;

namespace MeTorrent.Download.Engine;

/// <summary>A piece's hash check came back: count it and tell everyone, or fetch it again and blame its senders.</summary>
internal sealed partial class TorrentLoop
{
    /// <summary>
    /// The result of hashing (and, if good, writing) a completed piece. A good piece is announced to every
    /// peer that lacks it (BEP 3); a bad one is fetched again, and a peer proven to send bad data twice is
    /// banned (<see cref="DownloadState.PieceChecked"/> decides who). A disk that cannot take the piece ends
    /// the download.
    /// </summary>
    public void OnPieceChecked(InFlightPiece piece, bool good, Exception? diskError = null)
    {
        if (diskError is not null)
        {
            State.PieceChecked(piece, good: false, blame: false);
            _effects.Failed(new EngineException($"cannot write the download: {diskError.Message}", diskError));
            return;
        }
        int index = piece.Index, length = piece.Length;
        foreach (var record in State.PieceChecked(piece, good))   // also after a good piece: it can prove who spoiled its earlier copies
            Ban(record);
        if (good)
        {
            Stats.PieceVerified(length);
            foreach (var peer in _peers)
                if (!peer.Pieces[index])
                    peer.Send(PeerCommand.Have(index));
            if (State.IsComplete)
                OnComplete();
        }
        else
            Stats.PieceFailed();
        if (State.TakeRoomMade())
            TopUpAll();   // a piece left memory while peers waited for room to start new ones
    }

    private void Ban(PeerRecord record)
    {
        record.IsBanned = true;
        Stats.PeerBanned();
        foreach (var peer in _peers.Where(p => p.Record == record).ToList())
            Drop(peer, "sent data that failed the hash check repeatedly (banned)");
    }

    /// <summary>
    /// Every piece is here. Peers we were interested in hear that we no longer are (BEP 3), which frees the
    /// upload slot they gave us for someone else; from now on the choker ranks by our upload to them.
    /// </summary>
    private void OnComplete()
    {
        _effects.Log($"download complete: {_torrent.PieceCount} pieces verified");
        _effects.Completed();
        foreach (var peer in _peers)
            SetInterested(peer, false);
        _rechokeSoon = true;
    }

    /// <summary>Addresses from a tracker, PEX, the DHT or the user: dialled at once if there is room (not at the next tick).</summary>
    public void AddPeers(IEnumerable<IPEndPoint> endPoints)
    {
        foreach (var endPoint in endPoints)
            Pool.Add(endPoint);
        if (!State.IsComplete || _options.DialWhenComplete)
            DialMore();
    }
}
