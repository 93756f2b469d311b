using Microsoft.Win32.SafeHandles;

namespace MeTorrent.Download.Storage;

/// <summary>
/// A bounded pool of open files, as mainstream clients keep (libtorrent's file pool): at most
/// <see cref="Capacity"/> handles stay open, the least recently used idle one is closed first, so a torrent
/// of a million files never runs into the open-file limit. A handle in use (a <see cref="Lease"/>) is never
/// closed under its user. A file written through the pool is "dirty" until flushed to disk: a dirty handle
/// is flushed before it is closed, so <see cref="FlushAll"/> at the end covers every byte ever written. Those
/// flushes are batched: <see cref="FlushBatch"/> evicted files at once, in parallel, which costs about one
/// journal commit instead of one each (3,000 one-byte files flushed one by one took 36 s on ext4).
/// </summary>
internal sealed class OpenFiles(int capacity, Func<int, bool, SafeFileHandle?> open) : IDisposable
{
    private readonly Dictionary<int, Entry> _open = [];
    private readonly LinkedList<Entry> _idle = new();   // least recently used first; entries with no users only
    private List<Entry> _closing = [];                   // evicted while dirty: flushed in a batch, then closed
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Dirty files evicted before they are flushed together (and then closed).</summary>
    public const int FlushBatch = 64;

    private const int Flushers = 16;   // threads flushing at once

    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Files open right now: at most <see cref="Capacity"/>, plus those in use at once beyond it and up to <see cref="FlushBatch"/> waiting to be flushed and closed.</summary>
    public int Count
    {
        get { lock (_lock) return _open.Count + _closing.Count; }
    }

    /// <summary>
    /// The file's handle for one read or write (dispose the lease when done). With <paramref name="create"/>
    /// the file (and its folder) is made if missing; without, a missing file gives null.
    /// </summary>
    public Lease? Take(int file, bool create)
    {
        Entry? evicted = null;
        List<Entry>? batch = null;
        Entry entry;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open.TryGetValue(file, out var found))
            {
                entry = found;
                if (entry.Users++ == 0)
                    _idle.Remove(entry.Node);
                return new Lease(this, entry);
            }
            if (_open.Count >= Capacity && _idle.First is { } oldest)
            {
                evicted = oldest.Value;
                _idle.RemoveFirst();
                _open.Remove(evicted.File);
                if (evicted.IsDirty)
                {
                    _closing.Add(evicted);
                    evicted = null;
                    if (_closing.Count >= FlushBatch)
                        (batch, _closing) = (_closing, []);
                }
            }
        }
        evicted?.Handle.Dispose();
        if (batch is not null)
            FlushAndClose(batch, []);   // outside the lock
        var handle = open(file, create);
        if (handle is null)
            return null;
        lock (_lock)
        {
            if (_disposed)
            {
                handle.Dispose();
                ObjectDisposedException.ThrowIf(_disposed, this);
            }
            if (_open.TryGetValue(file, out var raced))
            {
                handle.Dispose();   // another thread opened it meanwhile: use theirs
                entry = raced;
                if (entry.Users++ == 0)
                    _idle.Remove(entry.Node);
                return new Lease(this, entry);
            }
            entry = new Entry(file, handle) { Users = 1 };
            entry.Node = new LinkedListNode<Entry>(entry);
            _open[file] = entry;
            return new Lease(this, entry);
        }
    }

    /// <summary>Flushes every file written since its last flush: those open and those evicted meanwhile.</summary>
    public void FlushAll()
    {
        var leases = new List<Lease>();
        List<Entry> closing;
        lock (_lock)
        {
            foreach (var entry in _open.Values)
            {
                if (!entry.IsDirty)
                    continue;
                if (entry.Users++ == 0)
                    _idle.Remove(entry.Node);
                leases.Add(new Lease(this, entry));
            }
            (closing, _closing) = (_closing, []);
        }
        try
        {
            FlushAndClose(closing, leases);
        }
        finally
        {
            foreach (var lease in leases)
                lease.Dispose();
        }
    }

    /// <summary>
    /// Flushes all of them at once, then closes the evicted ones. Concurrent fsyncs share the file system's
    /// journal commits; they block, so they run on threads of their own rather than the thread pool's.
    /// </summary>
    private static void FlushAndClose(List<Entry> evicted, List<Lease> open)
    {
        var entries = evicted.Concat(open.Select(l => l.Entry)).Where(e => e.IsDirty).ToArray();
        try
        {
            if (entries.Length <= 1)
            {
                foreach (var entry in entries)
                    entry.Flush();
                return;
            }
            int next = -1;
            var flushers = Enumerable.Range(0, Math.Min(entries.Length, Flushers)).Select(_ => Task.Factory.StartNew(() =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < entries.Length;)
                    entries[i].Flush();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            Task.WaitAll(flushers);
        }
        catch (AggregateException e)
        {
            throw e.Flatten().InnerExceptions[0];   // a disk error, as one message; what was not flushed stays dirty
        }
        finally
        {
            foreach (var entry in evicted)
                entry.Handle.Dispose();
        }
    }

    private void Return(Entry entry)
    {
        List<Entry>? batch = null;
        lock (_lock)
        {
            if (--entry.Users > 0)
                return;
            if (_disposed)
            {
                // the pool was disposed while this was in use: closed below
            }
            else if (_open.Count <= Capacity)
            {
                _idle.AddLast(entry.Node);
                return;
            }
            else
            {
                // More were in use at once than the pool holds: back to its size as they come back.
                _open.Remove(entry.File);
                if (entry.IsDirty)
                {
                    _closing.Add(entry);
                    if (_closing.Count < FlushBatch)
                        return;
                    (batch, _closing) = (_closing, []);
                }
            }
        }
        if (batch is not null)
            FlushAndClose(batch, []);
        else
            Close(entry);
    }

    private static void Close(Entry entry)
    {
        try
        {
            entry.Flush();
        }
        finally
        {
            entry.Handle.Dispose();
        }
    }

    public void Dispose()
    {
        List<Entry> idle;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            idle = [.. _idle, .. _closing];
            _idle.Clear();
            _closing.Clear();
            foreach (var entry in idle)
                _open.Remove(entry.File);
        }
        foreach (var entry in idle)
            entry.Handle.Dispose();   // no flush: Dispose is not a durability point (Flush is)
    }

    internal sealed class Entry(int file, SafeFileHandle handle)
    {
        public readonly int File = file;
        public readonly SafeFileHandle Handle = handle;
        public LinkedListNode<Entry> Node = null!;
        public int Users;            // under the pool's lock
        public long Writes;          // bumped after each write
        public long FlushedWrites;   // Writes as of the last flush that finished

        public bool IsDirty => Volatile.Read(ref Writes) != Volatile.Read(ref FlushedWrites);

        public void Flush()
        {
            long writes = Volatile.Read(ref Writes);
            if (writes == Volatile.Read(ref FlushedWrites))
                return;
            RandomAccess.FlushToDisk(Handle);
            InterlockedMax(ref FlushedWrites, writes);
            PageCache.Release(Handle);   // on disk now: the pages can go back to the kernel
        }

        private static void InterlockedMax(ref long target, long value)
        {
            long seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    /// <summary>One user's hold on an open file; the handle stays open until the lease is disposed.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly OpenFiles _pool;
        private readonly Entry _entry;

        internal Lease(OpenFiles pool, Entry entry)
        {
            _pool = pool;
            _entry = entry;
        }

        public SafeFileHandle Handle => _entry.Handle;

        internal Entry Entry => _entry;

        /// <summary>Call after writing: the file is flushed before it is closed, and by the next flush round.</summary>
        public void Written() => Interlocked.Increment(ref _entry.Writes);

        public void Flush() => _entry.Flush();

        public void Dispose() => _pool.Return(_entry);
    }
}
