// Lesson 02-Metainfo: copied from Metainfo/FileSegment.cs by Lessons/tools. Provided complete; nothing to do here.
namespace MeTorrent.Metainfo;

/// <summary>A run of bytes inside one file: where a piece (or part of one) lands on disk.</summary>
public readonly record struct FileSegment(TorrentFile File, long FileOffset, int Length, int BufferOffset);
