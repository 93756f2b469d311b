namespace MeTorrent.Download.Engine;

/// <summary>The download cannot go on (no peers, no progress, a disk error); the message says why, in a user's words.</summary>
public sealed class EngineException(string message, Exception? inner = null) : Exception(message, inner);
