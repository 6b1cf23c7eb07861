namespace Signing.Storage.Requests;

/// <summary>
/// The bytes of recently committed document revisions, least recently used dropped first, within a byte budget. A
/// request's next step reads the revision the previous step wrote a moment before; without this it is put together
/// again from the database's rows (and, on SQLite, read back from the write-ahead log page by page).
/// </summary>
/// <remarks>
/// Sound across nodes because a stored revision never changes: rows are only inserted, the key names the request's
/// unique id, document and revision, and an entry is added only once its transaction committed. A revision another
/// node wrote is simply not here, and is read from the database.
/// </remarks>
internal sealed class RevisionCache(long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string RequestId, long DocumentIndex, long Revision), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = [];
    private long _bytes;

    /// <summary>The bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Keeps <paramref name="content"/> (not copied: the caller hands it over and must not change it).</summary>
    public void Add(string requestId, long documentIndex, long revision, byte[] content)
    {
        if (content.LongLength > budgetBytes / 4)
        {
            // A document this large would push out everything else; it is read from the database.
            return;
        }

        var key = (requestId, documentIndex, revision);
        lock (_gate)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, content));
            _bytes += content.LongLength;
            while (_bytes > budgetBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Content.LongLength;
            }
        }
    }

    /// <summary>The revision's bytes, shared: read them, never change them; null when not held.</summary>
    public byte[]? Find(string requestId, long documentIndex, long revision)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue((requestId, documentIndex, revision), out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Content;
        }
    }

    private sealed record Entry((string RequestId, long DocumentIndex, long Revision) Key, byte[] Content);
}
