namespace MeTorrent.Download.Choking;

/// <summary>
/// The outcome of one rechoke: the peers to unchoke, every other peer is choked. The caller sends
/// `unchoke` to those that were choked and `choke` to those that lose their slot.
/// </summary>
/// <param name="Regular">The regular slots, best first (tit-for-tat: the peers that give us most).</param>
/// <param name="Optimistic">The optimistic unchoke, or none (default) when <see cref="HasOptimistic"/> is false.</param>
/// <param name="HasOptimistic">Whether one peer was unchoked optimistically.</param>
public sealed record ChokeDecision<TPeer>(IReadOnlyList<TPeer> Regular, TPeer? Optimistic, bool HasOptimistic)
    where TPeer : notnull
{
    /// <summary>Every peer to unchoke: the regular ones, then the optimistic one.</summary>
    public IReadOnlyList<TPeer> Unchoked => HasOptimistic ? [.. Regular, Optimistic!] : Regular;

    /// <summary>Whether this decision unchokes the peer.</summary>
    public bool Unchokes(TPeer peer) =>
        Regular.Contains(peer) || (HasOptimistic && EqualityComparer<TPeer>.Default.Equals(Optimistic, peer));
}
