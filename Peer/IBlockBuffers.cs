namespace MeTorrent.Peer;

/// <summary>
/// Where a connection puts the payload of each piece message it receives. The array is rented as soon as
/// the message's 13-byte header has arrived, before its payload is read, so the socket writes the payload
/// straight into the array that becomes part of the piece: no copy between a read buffer and the piece.
/// The message's receiver owns the array (<see cref="PeerMessage.Block"/>) and gives it back.
/// </summary>
public interface IBlockBuffers
{
    /// <summary>The length of every array <see cref="Rent"/> returns: the largest payload received this way.</summary>
    int BlockLength { get; }

    byte[] Rent();

    void Return(byte[] block);
}
