// Lesson 05-Download: generated from Download/Engine/TorrentLoop.Messages.cs by Lessons/tools. Your file: do the TODOs.
using MeTorrent.Download.Pex;
using MeTorrent.Download.Seeding;
using MeTorrent.Peer;

namespace MeTorrent.Download.Engine;

/// <summary>What each message from a peer changes, and the commands that follow (BEP 3, 6, 9, 10, 11).</summary>
internal sealed partial class TorrentLoop
{
    /// <summary>
    /// A message from a connected peer; the connection has checked its framing and ranges already.
    /// </summary>
    public void OnMessage(PeerState peer, PeerMessage message, long now)
    {
        if (peer.IsClosed)
            return;
        switch (message.Id)
        {
            case MessageId.Piece:
                // Bytes that are not a pool block yet (the engine calls OnBlock with the reader's block instead).
                var copy = State.BlockPool.Rent();
                message.Payload.Span.CopyTo(copy);
                if (!OnBlock(peer, new BlockRequest(message.Index, message.Begin, message.Payload.Length), copy, now))
                    State.BlockPool.Return(copy);
                break;
            case MessageId.Have:
                OnHave(peer, message.Index);
                break;
            case MessageId.Bitfield:
                OnBitfield(peer, Bitfield.FromBytes(message.Payload.Span, peer.Pieces.Count));
                break;
            case MessageId.HaveAll:
                var all = new Bitfield(peer.Pieces.Count);
                all.SetAll();
                OnBitfield(peer, all);
                break;
            case MessageId.HaveNone:
                peer.AvailabilityCounted = true;
                break;
            case MessageId.Choke:
                OnChoke(peer, now);
                break;
            case MessageId.Unchoke:
                OnUnchoke(peer);
                break;
            case MessageId.Interested or MessageId.NotInterested:
                peer.PeerInterested = message.Id == MessageId.Interested;
                _rechokeSoon = true;   // the choker decides who is unchoked
                break;
            case MessageId.Reject:
                OnReject(peer, new BlockRequest(message.Index, message.Begin, message.Length));
                break;
            case MessageId.Request:
                OnRequest(peer, new BlockRequest(message.Index, message.Begin, message.Length));
                break;
            case MessageId.Cancel:
                peer.Send(PeerCommand.Unserve(new BlockRequest(message.Index, message.Begin, message.Length)));
                break;
            case MessageId.Extended:
                OnExtended(peer, (byte)message.Index, message.Payload);
                break;
            case MessageId.Port when message.Index > 0 && _options.DhtNodeHeard is { } heard:
                var node = new System.Net.IPEndPoint(peer.Record.EndPoint.Address, message.Index);
                _effects.Log($"{peer}: its DHT node is at {node} (BEP 5 port message)");
                heard(node);
                break;
        }
    }

    /// <summary>BEP 10: the peer's extension handshake (decoded by its connection).</summary>
    public void OnExtensions(PeerState peer, ExtensionHandshake extensions) => peer.Extensions = extensions;

    private void OnHave(PeerState peer, int piece)
    {
        if (peer.Pieces[piece])
            return;   // a repeated have tells nothing new: availability is never counted twice
        peer.Pieces[piece] = true;
        // BEP 3 lets a peer with nothing skip the bitfield: its first have starts its count.
        if (peer.AvailabilityCounted)
            State.PeerHas(piece);
        else
        {
            State.PeerHasAll(peer.Pieces);
            peer.AvailabilityCounted = true;
        }
        if (!peer.AmInterested && !State.Has(piece))
            UpdateInterest(peer);
    }

    /// <summary>
    /// A bitfield or have all. BEP 3 allows one, first; aria2 sends another after its haves when it uploads
    /// to us: its new pieces count as haves.
    /// </summary>
    private void OnBitfield(PeerState peer, Bitfield pieces)
    {
        if (peer.AvailabilityCounted)
        {
            for (int i = 0; i < pieces.Count; i++)
                if (pieces[i]) OnHave(peer, i);
            return;
        }
        for (int i = 0; i < pieces.Count; i++)
            peer.Pieces[i] = pieces[i];
        State.PeerHasAll(peer.Pieces);
        peer.AvailabilityCounted = true;
        UpdateInterest(peer);
    }

    /// <summary>
    /// A block, in an array from the <see cref="BlockPool"/>. Only blocks this peer owes us are taken (BEP 6:
    /// anything else closes a fast connection; a late answer to a request we cancelled is dropped). The
    /// array becomes part of its piece; the same block asked of others (endgame) is cancelled there; a
    /// completed piece goes to be hashed. False: the array was not taken (the caller gives it back).
    /// </summary>
    public bool OnBlock(PeerState peer, BlockRequest block, byte[] data, long now)
    {
        Stats.BlockReceived(block.Length);
        if (peer.IsClosed)
            return false;
        if (!peer.Requests.Outstanding.ContainsKey(block))
        {
            if (!peer.Cancelled.Remove(block) && peer.SupportsFast)
                Drop(peer, $"sent {block.Piece}:{block.Begin}+{block.Length}, which we never asked for (BEP 6)");
            return false;
        }
        peer.Depth.Received(block.Length, now);
        peer.BlocksReceived++;
        peer.LastBlockTicks = now;
        var completed = State.BlockReceived(peer.Requests, block.Piece, block.Begin, data, block.Length, _cancels, out bool taken);
        if (_cancels.Count > 0)
            SendCancels();
        if (completed is not null)
            _effects.Verify(completed);
        TopUp(peer);
        return taken;
    }

    /// <summary>
    /// A choke (BEP 3). The requests stay outstanding: an unchoke must not ask for them again (issue 9: a
    /// choke/unchoke flood made the old engine ask for every block a hundred times). Some peers still send what
    /// they had queued; BEP 6 peers reject what they drop; what remains unanswered <see cref="ChokeGrace"/> after
    /// the last choke goes back to the pool (<c>CheckHealth</c>, at the next tick).
    /// </summary>
    // TODO(05-download.messages): a choke: the peer chokes us from now on (PeerChoking), and the clock of the choke
    // starts (ChokedSinceTicks and LastChokeTicks = now); its requests stay outstanding.
    private void OnChoke(PeerState peer, long now)
    {
        throw new NotImplementedException("Lesson 05 step 3 (messages): a choke: remember it and when; what happens to the requests already sent? (README, step 3; HINTS.md)");
    }

    /// <summary>An unchoke (BEP 3): we may ask again; the queue is topped up (requests still outstanding are not asked again).</summary>
    // TODO(05-download.messages): an unchoke: the peer no longer chokes us; keep its queue full.
    private void OnUnchoke(PeerState peer)
    {
        throw new NotImplementedException("Lesson 05 step 3 (messages): an unchoke: remember it, and then? (README, step 3; HINTS.md)");
    }

    /// <summary>A reject (BEP 6): the peer will not send this block.</summary>
    // TODO(05-download.messages): a reject of a block this peer owes us releases it for anyone (not re-asked here
    // at once: it would likely reject again); a reject of a block we cancelled is expected; anything else breaks BEP 6.
    private void OnReject(PeerState peer, BlockRequest block)
    {
        throw new NotImplementedException("Lesson 05 step 3 (messages): a reject: what becomes of the block, and what if we never asked for it? (README, step 3; HINTS.md)");
    }

    /// <summary>
    /// Answering requests safely (<see cref="RequestCheck"/>): a request no honest client sends closes the
    /// connection; one from a peer we choke, for a piece we lack, or beyond <see cref="MaxQueuedServes"/>
    /// is rejected (BEP 6) or, without the fast extension, ignored; the rest go to the writer.
    /// </summary>
    private void OnRequest(PeerState peer, BlockRequest block)
    {
        var verdict = RequestCheck.Judge(block, _torrent.PieceLength, _torrent.TotalLength,
            havePiece: (uint)block.Piece < (uint)_torrent.PieceCount && State.Has(block.Piece), peer.AmChoking);
        if (verdict == RequestVerdict.Serve && peer.ServesPending() >= MaxQueuedServes)
            verdict = RequestVerdict.Reject;
        switch (verdict)
        {
            case RequestVerdict.Disconnect:
                Drop(peer, $"requested {block.Length} bytes at {block.Begin} of piece {block.Piece}: outside the piece or over {WireLimits.BlockLength} bytes");
                break;
            case RequestVerdict.Reject when peer.SupportsFast:
                peer.Send(PeerCommand.Reject(block));
                break;
            case RequestVerdict.Serve:
                peer.Send(PeerCommand.Serve(block));
                break;
        }
    }

    /// <summary>
    /// An extended message under one of our ids. ut_metadata requests are answered from the torrent's info
    /// dictionary (BEP 9: a piece beyond the end gets a reject); ut_pex peers join the pool, bounded per
    /// connection (<see cref="PexIntake"/>; none for a private torrent, BEP 27). A malformed message drops the peer.
    /// </summary>
    private void OnExtended(PeerState peer, byte id, ReadOnlyMemory<byte> payload)
    {
        try
        {
            if (id == ExtensionNames.UtPexId && PexPolicy.Allowed(_torrent))
            {
                peer.PexIntake ??= new PexIntake(_torrent.IsPrivate);
                AddPeers(peer.PexIntake.Take(PexMessage.Decode(payload), DateTime.UtcNow));
            }
            else if (id == ExtensionNames.UtMetadataId
                && MetadataMessage.Decode(payload) is { Type: MetadataMessageType.Request } request
                && peer.Extensions?.IdOf(ExtensionNames.UtMetadata) is not null)
                peer.Send(new PeerCommand(CommandKind.Metadata) { Metadata = _metadata.Answer(request) });
        }
        catch (PeerProtocolException e)
        {
            Drop(peer, e.Message);
        }
    }
}
